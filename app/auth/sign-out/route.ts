// POST /auth/sign-out: ends the session (lib/auth/sign-in.ts).
import { signOut } from '@/lib/auth/sign-in';
import { refuseCrossSite } from '@/lib/http/origin';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export const POST = handle('POST /auth/sign-out', async (request: Request) => {
  refuseCrossSite(request);
  return signOut(request);
});
