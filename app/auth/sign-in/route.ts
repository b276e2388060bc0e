// POST /auth/sign-in: email + password (lib/auth/sign-in.ts).
import { passwordSignIn } from '@/lib/auth/sign-in';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export const POST = handle('POST /auth/sign-in', (request: Request) => passwordSignIn(request));
