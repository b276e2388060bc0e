// GET /auth/confirm: the link in the email (lib/auth/sign-in.ts).
import { confirmEmail } from '@/lib/auth/sign-in';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export const GET = handle('GET /auth/confirm', (request: Request) => confirmEmail(request));
