// The workspaces a reader may see, with their campaigns and days of data (what the filters offer).
import type { Reader } from '../auth/access';
import type { DatabaseStore } from '../db/store';
import { contentEtag, etagMatches } from './etag';
import { workspacesResponseSchema, type WorkspacesResponse } from './response';

/** All workspaces in open mode, else the user's own, each with their role. */
export async function readWorkspaces(store: DatabaseStore, reader: Reader): Promise<WorkspacesResponse> {
  const value = reader.kind === 'open'
    ? await store.callValue('dashboard_workspaces')
    : await store.callValue('dashboard_workspaces_for_member', { p_user_id: reader.userId });
  return workspacesResponseSchema.parse(value);
}

export type WorkspacesAnswer =
  | { kind: 'data'; body: WorkspacesResponse; etag: string }
  | { kind: 'not-modified'; etag: string };

/**
 * The list with an ETag that is a hash of its content: it changes exactly when a view refresh
 * changes what the filters offer (the list itself is one small query over the views either way).
 */
export function workspacesAnswer(body: WorkspacesResponse, ifNoneMatch?: string | null): WorkspacesAnswer {
  const etag = contentEtag('ws', body);
  return etagMatches(ifNoneMatch, etag) ? { kind: 'not-modified', etag } : { kind: 'data', body, etag };
}
