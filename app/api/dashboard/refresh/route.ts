// POST /api/dashboard/refresh?workspace_id=W: the page's "Refresh now", for admins of W only
// (401 signed out, 404 not a member, 403 a viewer, 409 a refresh is already running).
import { NextResponse } from 'next/server';
import { refreshAsWorkspaceAdmin, parseRefreshTarget } from '@/lib/admin/member-refresh';
import { readerOf } from '@/lib/auth/access';
import { getStore } from '@/lib/db';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';
export const maxDuration = 300;

export const POST = handle('POST /api/dashboard/refresh', async (request: Request) => {
  const reader = await readerOf(request);
  const workspaceId = parseRefreshTarget(request.url);
  return NextResponse.json(await refreshAsWorkspaceAdmin(getStore(), reader, workspaceId), { headers: { 'Cache-Control': 'no-store' } });
});
