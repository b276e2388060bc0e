// "Refresh now" on the page: a signed-in admin of a workspace may run the same refresh as the cron,
// through the server (the refresh token never reaches the browser).
import { z } from 'zod';
import type { Reader } from '../auth/access';
import type { DatabaseStore } from '../db/store';
import { workspaceIdSchema } from '../dashboard/query';
import { badRequest } from '../http/errors';
import { logEvent } from '../log';
import { refreshNow, type RefreshOutcome } from './refresh-service';
import { viewFreshnessAnswerSchema, workspaceViewFreshness } from './views';

export type WorkspaceRole = 'viewer' | 'admin';

/** The user's role in a workspace, null when not a member (one small SQL call). */
export async function memberRole(store: DatabaseStore, userId: string, workspaceId: string): Promise<WorkspaceRole | null> {
  const role = await store.callValue('dashboard_member_role', { p_user_id: userId, p_workspace_id: workspaceId });
  return role === 'admin' || role === 'viewer' ? role : null;
}

/** The query of the routes about one workspace (the refresh, its time zone, its alerts): workspace_id only. */
export const workspaceQuerySchema = z.object({
  workspace_id: workspaceIdSchema.meta({ description: 'The workspace (1-200 characters), given once. Any other parameter is a 400.' }),
});

/** The workspace_id of POST /api/dashboard/refresh?workspace_id=W (the only parameter). */
export function parseRefreshTarget(url: string): string {
  const params = new URL(url).searchParams;
  const unknown = [...new Set(params.keys())].filter((key) => !Object.hasOwn(workspaceQuerySchema.shape, key));
  if (unknown.length > 0) throw badRequest(unknown.map((parameter) => ({ parameter, message: 'unknown parameter (expected workspace_id)' })));
  const values = params.getAll('workspace_id');
  const workspaceId = workspaceQuerySchema.shape.workspace_id.safeParse(values[0]);
  if (values.length !== 1 || !workspaceId.success) {
    throw badRequest([{ parameter: 'workspace_id', message: 'workspace_id is required once, 1-200 characters' }]);
  }
  return workspaceId.data;
}

/**
 * What an admin is told: that the views are current, and their own workspace's figures. Not what the
 * refresh did over every tenant (buckets, rows changed): that would show how much the others wrote.
 */
export const memberRefreshAnswerSchema = z.object({
  status: z.literal('refreshed'),
  full: z.boolean(),
  current_as_of: z.string().meta({ description: 'The moment the views are now current as of.' }),
  duration_ms: z.number(),
  workspace_id: z.string(),
  freshness: z.array(viewFreshnessAnswerSchema).meta({ description: 'The views\' freshness, with this workspace\'s pending buckets only.' }),
});
export type MemberRefreshAnswer = z.infer<typeof memberRefreshAnswerSchema>;

/** What the page's "Refresh now" did, or why a signed-in reader may not. */
export type MemberRefreshOutcome =
  | RefreshOutcome<MemberRefreshAnswer>
  /** Open mode (DASHBOARD_AUTH=off): there is no member to check; use the token endpoint. */
  | { kind: 'needs-sign-in' }
  | { kind: 'not-member' }
  | { kind: 'not-admin' };

export async function refreshAsWorkspaceAdmin(store: DatabaseStore, reader: Reader, workspaceId: string): Promise<MemberRefreshOutcome> {
  if (reader.kind === 'open') return { kind: 'needs-sign-in' };
  const role = await memberRole(store, reader.userId, workspaceId);
  if (role === null) return { kind: 'not-member' };
  if (role !== 'admin') {
    logEvent('warn', 'views_refresh_forbidden', { user_id: reader.userId, workspace_id: workspaceId, role });
    return { kind: 'not-admin' };
  }
  logEvent('info', 'views_refresh_requested', { via: 'workspace-admin', user_id: reader.userId, workspace_id: workspaceId });
  const outcome = await refreshNow(store, 'workspace-admin');
  if (outcome.kind === 'busy') return outcome;
  const { status, full, current_as_of, duration_ms } = outcome.answer;
  return {
    kind: 'refreshed',
    answer: memberRefreshAnswerSchema.parse({ status, full, current_as_of, duration_ms, workspace_id: workspaceId, freshness: await workspaceViewFreshness(store, workspaceId) }),
  };
}
