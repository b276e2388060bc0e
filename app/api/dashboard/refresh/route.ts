// POST /api/dashboard/refresh?workspace_id=W: the page's "Refresh now", for admins of W only
// (401 signed out, 404 not a member, 403 a viewer, 409 a refresh is already running).
import { parseRefreshTarget, refreshAsWorkspaceAdmin } from '@/lib/admin/member-refresh';
import { deliverAfterResponse } from '@/lib/alerts/after-response';
import { readerOf } from '@/lib/auth/access';
import { workspaceNotFound } from '@/lib/dashboard/read';
import { getStore } from '@/lib/db';
import { HttpError } from '@/lib/http/errors';
import { refreshResponse } from '@/lib/http/refresh';
import { refuseCrossSite } from '@/lib/http/origin';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';
export const maxDuration = 300;

export const POST = handle('POST /api/dashboard/refresh', async (request: Request) => {
  refuseCrossSite(request);
  const reader = await readerOf(request);
  const workspaceId = parseRefreshTarget(request.url);
  const outcome = await refreshAsWorkspaceAdmin(getStore(), reader, workspaceId).finally(() => deliverAfterResponse(getStore()));
  switch (outcome.kind) {
    case 'needs-sign-in':
      throw new HttpError(403, 'Refreshing from the page needs sign-in (DASHBOARD_AUTH is off); use POST /api/admin/refresh-views with the refresh token.');
    case 'not-member':
      throw workspaceNotFound();
    case 'not-admin':
      throw new HttpError(403, 'Only workspace admins can refresh the views.');
    default:
      return refreshResponse(outcome);
  }
});
