// POST /api/dashboard/alerts/channels/:id/test?workspace_id=W: a test notification through the outbox,
// sent now (at most 10 s): {"delivery": {"sent": 1, …}} says whether the receiver took it; a failure is
// retried like any notification. Admins only.
import { NextResponse } from 'next/server';
import { deliveryOptions } from '@/lib/alerts/evaluate';
import { parseId, parseWorkspace } from '@/lib/alerts/http';
import { refuseCrossSite } from '@/lib/http/origin';
import { testChannel } from '@/lib/alerts/manage';
import { readerOf } from '@/lib/auth/access';
import { getStore } from '@/lib/db';
import { NO_STORE } from '@/lib/http/refresh';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export const POST = handle('POST /api/dashboard/alerts/channels/:id/test', async (request: Request, context: { params: Promise<{ id: string }> }) => {
  refuseCrossSite(request);
  const reader = await readerOf(request);
  const workspaceId = parseWorkspace(request.url);
  const tested = await testChannel(getStore(), reader, workspaceId, await parseId(context.params), deliveryOptions());
  return NextResponse.json(tested, { headers: NO_STORE });
});
