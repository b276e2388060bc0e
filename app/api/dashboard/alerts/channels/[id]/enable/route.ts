// POST /api/dashboard/alerts/channels/:id/enable?workspace_id=W: turns a channel disabled by a 410 or
// by failures back on (its failure count reset). Admins only.
import { NextResponse } from 'next/server';
import { parseId, parseWorkspace } from '@/lib/alerts/http';
import { refuseCrossSite } from '@/lib/http/origin';
import { enableChannel } from '@/lib/alerts/manage';
import { readerOf } from '@/lib/auth/access';
import { getStore } from '@/lib/db';
import { NO_STORE } from '@/lib/http/refresh';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export const POST = handle('POST /api/dashboard/alerts/channels/:id/enable', async (request: Request, context: { params: Promise<{ id: string }> }) => {
  refuseCrossSite(request);
  const reader = await readerOf(request);
  const workspaceId = parseWorkspace(request.url);
  await enableChannel(getStore(), reader, workspaceId, await parseId(context.params));
  return new NextResponse(null, { status: 204, headers: NO_STORE });
});
