// POST /auth/sign-in: email + password (lib/auth/sign-in.ts).
import { passwordSignIn } from '@/lib/auth/sign-in';
import { refuseCrossSite } from '@/lib/http/origin';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export const POST = handle('POST /auth/sign-in', async (request: Request) => {
  refuseCrossSite(request);
  return passwordSignIn(request);
});
