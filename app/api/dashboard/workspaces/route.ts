// GET /api/dashboard/workspaces: the caller's workspaces, their campaigns and days of data (for the filters).
import { readerOf } from '@/lib/auth/access';
import { serveWorkspaces } from '@/lib/dashboard/answer-cache';
import { badRequest } from '@/lib/http/errors';
import { answerResponse, handleAnswer } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export const GET = handleAnswer('GET /api/dashboard/workspaces', async (request: Request) => {
  const reader = await readerOf(request);
  const unknown = [...new Set(new URL(request.url).searchParams.keys())];
  if (unknown.length > 0) throw badRequest(unknown.map((parameter) => ({ parameter, message: 'this endpoint takes no parameters' })));
  return answerResponse(await serveWorkspaces(reader, request.headers.get('if-none-match')));
});
