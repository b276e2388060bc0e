// Reading the dashboard: one SQL function call per request, its answer validated against the
// contract schema so a drifted migration fails loudly. A signed-in user's membership is checked
// inside the same call as the read (the *_for_member functions): a workspace they are not a member
// of and one that does not exist are the same 404; source=raw as a viewer is a 403. Open mode
// (DASHBOARD_AUTH=off) reads without a membership check.
import { z } from 'zod';
import type { Reader } from '../auth/access';
import type { DatabaseStore, FunctionArgs } from '../db/store';
import { HttpError } from '../http/errors';
import { versionEtag, versionFromEtag, type AnswerKind } from './etag';
import type { AnswerQuery, CampaignsQuery, DashboardQuery } from './query';
import { campaignsResponseSchema, dashboardResponseSchema, type CampaignsResponse, type DashboardResponse } from './response';

const notModifiedSchema = z.object({ not_modified: z.literal(true), data_version: z.number() });
/** What a *_for_member function answers instead of the data when the caller may not have it. */
const refusalSchema = z.object({ error: z.enum(['not_found', 'forbidden']) });

export type Answer<Body> =
  | { kind: 'data'; body: Body; etag: string | null }
  | { kind: 'not-modified'; etag: string };
export type DashboardAnswer = Answer<DashboardResponse>;
export type CampaignsAnswer = Answer<CampaignsResponse>;

/** A reader without membership checks: open mode, and the command-line tools (bench). */
export const OPEN_READER: Reader = { kind: 'open' };

/** Calls public.<name> for an open reader, or public.<name>_for_member (membership checked in the same call) for a user. */
export function callAs(store: DatabaseStore, reader: Reader, name: string, args: FunctionArgs = {}): Promise<unknown> {
  return reader.kind === 'open'
    ? store.callValue(name, args)
    : store.callValue(`${name}_for_member`, { p_user_id: reader.userId, ...args });
}

/**
 * The dashboard for one query as `reader` may see it. On the mv and live paths the answer carries
 * an ETag made of the data version (the last refresh; for live also the workspace's pending writes)
 * and the query; given the client's If-None-Match, an unchanged answer is not recomputed.
 */
export function readDashboard(store: DatabaseStore, reader: Reader, query: DashboardQuery, ifNoneMatch?: string | null): Promise<DashboardAnswer> {
  return readAnswer(store, reader, 'dashboard_aggregate', 'aggregate', dashboardResponseSchema, query, ifNoneMatch, {
    p_interval: query.interval,
    p_compare: query.compare,
  });
}

/** Every campaign of the workspace with activity in the range, side by side; ETag and 304 as the aggregate's. */
export function readCampaigns(store: DatabaseStore, reader: Reader, query: CampaignsQuery, ifNoneMatch?: string | null): Promise<CampaignsAnswer> {
  return readAnswer(store, reader, 'dashboard_campaigns', 'campaigns', campaignsResponseSchema, query, ifNoneMatch);
}

async function readAnswer<Body>(
  store: DatabaseStore,
  reader: Reader,
  name: string,
  kind: AnswerKind,
  schema: z.ZodType<Body>,
  query: AnswerQuery,
  ifNoneMatch: string | null | undefined,
  extra: FunctionArgs = {},
): Promise<Answer<Body>> {
  const args: FunctionArgs = {
    p_workspace_id: query.workspace_id,
    p_from: query.from,
    p_to: query.to,
    p_campaign: query.campaign,
    p_source: query.source,
    p_known_version: query.source === 'raw' ? null : versionFromEtag(ifNoneMatch, query, kind),
    ...extra,
  };
  const value = await callAs(store, reader, name, args);
  throwIfRefused(value);
  const notModified = notModifiedSchema.safeParse(value);
  if (notModified.success) return { kind: 'not-modified', etag: versionEtag(query, notModified.data.data_version, kind) };
  const { data_version: version } = z.object({ data_version: z.number() }).parse(value);
  return { kind: 'data', body: schema.parse(value), etag: query.source === 'raw' ? null : versionEtag(query, version, kind) };
}

/** Turns a *_for_member refusal into its HTTP answer. */
export function throwIfRefused(value: unknown): void {
  const refused = refusalSchema.safeParse(value);
  if (!refused.success) return;
  if (refused.data.error === 'not_found') throw workspaceNotFound();
  throw new HttpError(403, 'source=raw is for workspace admins.', { issues: [{ parameter: 'source', message: 'source=raw is for workspace admins' }] });
}

export function workspaceNotFound(): HttpError {
  return new HttpError(404, 'No such workspace, or you are not a member of it.');
}
