// POST /api/dashboard/alerts/channels?workspace_id=W with {"kind": "webhook" | "slack", "url", "name"?}:
// 201 with the channel and, for a webhook, its signing secret (whsec_…), shown this once. Admins only;
// a URL that resolves to a private or loopback address is refused (400) outside development.
import { NextResponse } from 'next/server';
import { deliveryOptions } from '@/lib/alerts/evaluate';
import { parseBody, parseWorkspace } from '@/lib/alerts/http';
import { refuseCrossSite } from '@/lib/http/origin';
import { addChannel } from '@/lib/alerts/manage';
import { channelInputSchema } from '@/lib/alerts/schema';
import { readerOf } from '@/lib/auth/access';
import { getStore } from '@/lib/db';
import { NO_STORE } from '@/lib/http/refresh';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export const POST = handle('POST /api/dashboard/alerts/channels', async (request: Request) => {
  refuseCrossSite(request);
  const reader = await readerOf(request);
  const workspaceId = parseWorkspace(request.url);
  const input = await parseBody(request, channelInputSchema);
  const created = await addChannel(getStore(), reader, workspaceId, input, deliveryOptions().allowPrivate);
  return NextResponse.json(created, { status: 201, headers: NO_STORE });
});
