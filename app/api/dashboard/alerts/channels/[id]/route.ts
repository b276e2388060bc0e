// DELETE /api/dashboard/alerts/channels/:id?workspace_id=W: removes a channel no rule uses (409
// otherwise), with its delivery history. Admins only.
import { NextResponse } from 'next/server';
import { parseId, parseWorkspace } from '@/lib/alerts/http';
import { refuseCrossSite } from '@/lib/http/origin';
import { removeChannel } from '@/lib/alerts/manage';
import { readerOf } from '@/lib/auth/access';
import { getStore } from '@/lib/db';
import { NO_STORE } from '@/lib/http/refresh';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export const DELETE = handle('DELETE /api/dashboard/alerts/channels/:id', async (request: Request, context: { params: Promise<{ id: string }> }) => {
  refuseCrossSite(request);
  const reader = await readerOf(request);
  const workspaceId = parseWorkspace(request.url);
  await removeChannel(getStore(), reader, workspaceId, await parseId(context.params));
  return new NextResponse(null, { status: 204, headers: NO_STORE });
});
