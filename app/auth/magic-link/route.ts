// POST /auth/magic-link: a sign-in link by email (lib/auth/sign-in.ts).
import { sendMagicLink } from '@/lib/auth/sign-in';
import { refuseCrossSite } from '@/lib/http/origin';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export const POST = handle('POST /auth/magic-link', async (request: Request) => {
  refuseCrossSite(request);
  return sendMagicLink(request);
});
