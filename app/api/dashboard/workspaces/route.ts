// GET /api/dashboard/workspaces: the caller's workspaces, their campaigns and days of data (for the filters).
import { NextResponse } from 'next/server';
import { readerOf } from '@/lib/auth/access';
import { readWorkspaces, workspacesAnswer } from '@/lib/dashboard/workspaces';
import { getStore } from '@/lib/db';
import { badRequest } from '@/lib/http/errors';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

const CACHE_CONTROL = 'private, max-age=0, must-revalidate';

export const GET = handle('GET /api/dashboard/workspaces', async (request: Request) => {
  const reader = await readerOf(request);
  const unknown = [...new Set(new URL(request.url).searchParams.keys())];
  if (unknown.length > 0) throw badRequest(unknown.map((parameter) => ({ parameter, message: 'this endpoint takes no parameters' })));
  const answer = workspacesAnswer(await readWorkspaces(getStore(), reader), request.headers.get('if-none-match'));
  const headers = { ETag: answer.etag, 'Cache-Control': CACHE_CONTROL };
  if (answer.kind === 'not-modified') return new NextResponse(null, { status: 304, headers });
  return NextResponse.json(answer.body, { headers });
});
