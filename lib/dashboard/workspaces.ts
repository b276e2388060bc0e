// The workspaces a reader may see, with their campaigns and days of data (what the filters offer).
import type { Reader } from '../auth/access';
import type { DatabaseStore } from '../db/store';
import { contentEtag, etagMatches } from './etag';
import { callAs, type Answer } from './read';
import { workspacesResponseSchema, type WorkspacesResponse } from './response';

/** All workspaces in open mode, else the user's own, each with their role. */
export async function readWorkspaces(store: DatabaseStore, reader: Reader): Promise<WorkspacesResponse> {
  return workspacesResponseSchema.parse(await callAs(store, reader, 'dashboard_workspaces'));
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
