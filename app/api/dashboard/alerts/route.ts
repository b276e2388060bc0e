// GET /api/dashboard/alerts?workspace_id=W: the workspace's alert rules (state, history, latest
// deliveries) and channels, for its members (viewers see no channel URL; a non-member gets 404).
import { NextResponse } from 'next/server';
import { parseWorkspace } from '@/lib/alerts/http';
import { readAlerts } from '@/lib/alerts/manage';
import { readerOf } from '@/lib/auth/access';
import { getStore } from '@/lib/db';
import { NO_STORE } from '@/lib/http/refresh';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export const GET = handle('GET /api/dashboard/alerts', async (request: Request) => {
  const reader = await readerOf(request);
  return NextResponse.json(await readAlerts(getStore(), reader, parseWorkspace(request.url)), { headers: NO_STORE });
});
