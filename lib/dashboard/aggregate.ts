// Server-side reads of the dashboard: one SQL function call per request, its answer validated
// against the contract schema so a drifted migration fails loudly.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Reader } from '../auth/access';
import type { DatabaseStore } from '../db/store';
import { HttpError } from '../http/respond';
import type { DashboardQuery } from './query';
import { dashboardResponseSchema, workspacesResponseSchema, type DashboardResponse, type WorkspacesResponse } from './response';

const notModifiedSchema = z.object({ not_modified: z.literal(true), data_version: z.number() });
const versionedSchema = dashboardResponseSchema.extend({ data_version: z.number() });

export type DashboardAnswer =
  | { kind: 'data'; body: DashboardResponse; etag: string | null }
  | { kind: 'not-modified'; etag: string };

/**
 * The dashboard for one query. On the mv and live paths the answer carries an ETag made of the data
 * version (the last refresh; for live also the workspace's pending writes) and the query; given the
 * client's If-None-Match, an unchanged answer is not recomputed.
 */
export async function getDashboard(store: DatabaseStore, query: DashboardQuery, ifNoneMatch?: string | null): Promise<DashboardAnswer> {
  const knownVersion = query.source === 'raw' ? null : versionFromEtag(ifNoneMatch, query);
  const value = await store.callValue('dashboard_aggregate', {
    p_workspace_id: query.workspace_id,
    p_from: query.from,
    p_to: query.to,
    p_campaign: query.campaign,
    p_source: query.source,
    p_known_version: knownVersion,
  });
  return answerFor(query, value);
}

/** What a *_for_member function answers instead of the data when the caller may not have it. */
const refusalSchema = z.object({ error: z.enum(['not_found', 'forbidden']) });

/**
 * The dashboard as a reader may see it. A signed-in user's membership is checked inside the same
 * SQL call as the read: a workspace they are not a member of and one that does not exist are the
 * same 404; source=raw as a viewer is a 403. Open mode (DASHBOARD_AUTH=off) reads as before.
 */
export async function readDashboard(store: DatabaseStore, reader: Reader, query: DashboardQuery, ifNoneMatch?: string | null): Promise<DashboardAnswer> {
  if (reader.kind === 'open') return getDashboard(store, query, ifNoneMatch);
  const knownVersion = query.source === 'raw' ? null : versionFromEtag(ifNoneMatch, query);
  const value = await store.callValue('dashboard_aggregate_for_member', {
    p_user_id: reader.userId,
    p_workspace_id: query.workspace_id,
    p_from: query.from,
    p_to: query.to,
    p_campaign: query.campaign,
    p_source: query.source,
    p_known_version: knownVersion,
  });
  const refused = refusalSchema.safeParse(value);
  if (refused.success) throw refused.data.error === 'not_found' ? workspaceNotFound() : rawForAdminsOnly();
  return answerFor(query, value);
}

export function workspaceNotFound(): HttpError {
  return new HttpError(404, 'No such workspace, or you are not a member of it.');
}

function rawForAdminsOnly(): HttpError {
  return new HttpError(403, 'source=raw is for workspace admins.', { issues: [{ parameter: 'source', message: 'source=raw is for workspace admins' }] });
}

function answerFor(query: DashboardQuery, value: unknown): DashboardAnswer {
  const notModified = notModifiedSchema.safeParse(value);
  if (notModified.success) return { kind: 'not-modified', etag: etagFor(query, notModified.data.data_version) };
  const { data_version: version, ...body } = versionedSchema.parse(value);
  return { kind: 'data', body, etag: query.source === 'raw' ? null : etagFor(query, version) };
}

/** Workspaces with their campaigns and days of data, for the filters. */
export async function listWorkspaces(store: DatabaseStore): Promise<WorkspacesResponse> {
  return workspacesResponseSchema.parse(await store.callValue('dashboard_workspaces'));
}

/** The workspaces a reader may see: all in open mode, else the user's own, each with their role. */
export async function listWorkspacesFor(store: DatabaseStore, reader: Reader): Promise<WorkspacesResponse> {
  if (reader.kind === 'open') return listWorkspaces(store);
  return workspacesResponseSchema.parse(await store.callValue('dashboard_workspaces_for_member', { p_user_id: reader.userId }));
}

export type WorkspacesAnswer =
  | { kind: 'data'; body: WorkspacesResponse; etag: string }
  | { kind: 'not-modified'; etag: string };

/**
 * The workspace list with an ETag that is a hash of its content: it changes exactly when a view
 * refresh changes what the filters offer, and costs one small query over the views either way.
 */
export async function getWorkspaces(store: DatabaseStore, reader: Reader, ifNoneMatch?: string | null): Promise<WorkspacesAnswer> {
  const body = await listWorkspacesFor(store, reader);
  const etag = `"ws-${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;
  const matches = (ifNoneMatch ?? '').split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
  return matches ? { kind: 'not-modified', etag } : { kind: 'data', body, etag };
}

function queryKey(query: DashboardQuery): string {
  return createHash('sha256')
    .update(JSON.stringify([query.workspace_id, query.from, query.to, query.campaign, query.source]))
    .digest('base64url')
    .slice(0, 22);
}

export function etagFor(query: DashboardQuery, version: number): string {
  return `"mv-${version}-${queryKey(query)}"`;
}

/** The data version inside an If-None-Match that was issued for this very query, if any. */
function versionFromEtag(header: string | null | undefined, query: DashboardQuery): number | null {
  if (!header) return null;
  const key = queryKey(query);
  for (const tag of header.split(',')) {
    const match = /^\s*(?:W\/)?"mv-(\d{1,15})-([A-Za-z0-9_-]+)"\s*$/.exec(tag);
    if (match && match[2] === key) return Number(match[1]);
  }
  return null;
}
