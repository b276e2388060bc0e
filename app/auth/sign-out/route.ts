// POST /auth/sign-out: ends the session (lib/auth/sign-in.ts).
import { signOut } from '@/lib/auth/sign-in';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export const POST = handle('POST /auth/sign-out', (request: Request) => signOut(request));
