// GET /auth/dev-sign-in: npm run dev's demo user (404 anywhere else) (lib/auth/sign-in.ts).
import { devSignIn } from '@/lib/auth/sign-in';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export const GET = handle('GET /auth/dev-sign-in', (request: Request) => devSignIn(request));
