// The workspaces a reader may see, with their campaigns and days of data (what the filters offer).
import { z } from 'zod';
import type { Reader } from '../auth/access';
import type { DatabaseStore } from '../db/store';
import { contentEtag, etagMatches } from './etag';
import { callAs, type Answer } from './read';
import { workspacesResponseSchema, type WorkspacesResponse } from './response';

/** All workspaces in open mode, else the user's own, each with their role. */
export async function readWorkspaces(store: DatabaseStore, reader: Reader): Promise<WorkspacesResponse> {
  return workspacesResponseSchema.parse(await callAs(store, reader, 'dashboard_workspaces'));
}

type WorkspaceEntry = WorkspacesResponse['workspaces'][number];
const workspaceEntrySchema = workspacesResponseSchema.shape.workspaces.element;

/**
 * dashboard_workspaces_basis: the version of the list of every workspace, and for a signed-in user
 * their memberships (each with the entry listed while the workspace has no data).
 */
export const workspacesBasisSchema = z.object({
  views_version: z.number(),
  memberships: z.array(z.object({
    workspace_id: z.string(),
    role: z.enum(['viewer', 'admin']),
    without_data: workspaceEntrySchema.omit({ role: true }),
  })).optional(),
});
export type WorkspacesBasis = z.infer<typeof workspacesBasisSchema>;

/** One small call before the list: its version and, for a user, what they are a member of. */
export async function readWorkspacesBasis(store: DatabaseStore, reader: Reader): Promise<WorkspacesBasis> {
  return workspacesBasisSchema.parse(await callAs(store, reader, 'dashboard_workspaces_basis'));
}

/**
 * The list of every workspace (dashboard_workspaces()) as `basis` says the reader may see it: all of
 * it in open mode; else the reader's workspaces only, in the order of their memberships, each with
 * its role, and one joined before it has data as the database listed it. What
 * dashboard_workspaces_for_member() answers, from a list shared by every reader.
 */
export function workspacesFor(every: WorkspacesResponse, basis: WorkspacesBasis): WorkspacesResponse {
  if (!basis.memberships) return every;
  const byId = new Map(every.workspaces.map((workspace) => [workspace.workspace_id, workspace]));
  return {
    workspaces: basis.memberships.map((member): WorkspaceEntry => ({
      ...(byId.get(member.workspace_id) ?? member.without_data),
      role: member.role,
    })),
  };
}

export type WorkspacesAnswer = Answer<WorkspacesResponse>;

/**
 * The list with an ETag that is a hash of its content: it changes exactly when a view refresh
 * changes what the filters offer (the list itself is one small query over the views either way).
 */
export function workspacesAnswer(body: WorkspacesResponse, ifNoneMatch?: string | null): WorkspacesAnswer {
  const etag = contentEtag('ws', body);
  return etagMatches(ifNoneMatch, etag) ? { kind: 'not-modified', etag } : { kind: 'data', body, etag };
}
