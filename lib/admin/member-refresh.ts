// "Refresh now" on the page: a signed-in admin of a workspace may run the same refresh as the cron,
// through the server (the refresh token never reaches the browser).
import type { Reader } from '../auth/access';
import { workspaceNotFound } from '../dashboard/aggregate';
import type { DatabaseStore } from '../db/store';
import { HttpError, badRequest, logEvent } from '../http/respond';
import { refreshNow, type RefreshAnswer } from './refresh-service';

export type WorkspaceRole = 'viewer' | 'admin';

/** The user's role in a workspace, null when not a member (one small SQL call). */
export async function memberRole(store: DatabaseStore, userId: string, workspaceId: string): Promise<WorkspaceRole | null> {
  const role = await store.callValue('dashboard_member_role', { p_user_id: userId, p_workspace_id: workspaceId });
  return role === 'admin' || role === 'viewer' ? role : null;
}

/** The workspace_id of POST /api/dashboard/refresh?workspace_id=W (the only parameter). */
export function parseRefreshTarget(url: string): string {
  const params = new URL(url).searchParams;
  const unknown = [...new Set(params.keys())].filter((key) => key !== 'workspace_id');
  if (unknown.length > 0) throw badRequest(unknown.map((parameter) => ({ parameter, message: 'unknown parameter (expected workspace_id)' })));
  const values = params.getAll('workspace_id');
  const workspaceId = values[0] ?? '';
  if (values.length !== 1 || workspaceId === '' || [...workspaceId].length > 200 || workspaceId.includes('\u0000')) {
    throw badRequest([{ parameter: 'workspace_id', message: 'workspace_id is required once, 1-200 characters' }]);
  }
  return workspaceId;
}

export async function refreshAsWorkspaceAdmin(store: DatabaseStore, reader: Reader, workspaceId: string): Promise<RefreshAnswer> {
  if (reader.kind === 'open') {
    throw new HttpError(403, 'Refreshing from the page needs sign-in (DASHBOARD_AUTH is off); use POST /api/admin/refresh-views with the refresh token.');
  }
  const role = await memberRole(store, reader.userId, workspaceId);
  if (role === null) throw workspaceNotFound();
  if (role !== 'admin') {
    logEvent('warn', 'views_refresh_forbidden', { user_id: reader.userId, workspace_id: workspaceId, role });
    throw new HttpError(403, 'Only workspace admins can refresh the views.');
  }
  logEvent('info', 'views_refresh_requested', { via: 'workspace-admin', user_id: reader.userId, workspace_id: workspaceId });
  return refreshNow(store, { outcome: 'authorized', via: 'workspace-admin' });
}
