// Reading the dashboard: a small call for the answer's context (membership, the workspace's zone and
// today there, its data version), then one SQL function call for the answer, validated against the
// contract schema so a drifted migration fails loudly. A signed-in user's membership is checked inside
// each call (the *_for_member functions): a workspace they are not a member of and one that does not
// exist are the same 404; source=raw as a viewer is a 403. Open mode (DASHBOARD_AUTH=off) reads
// without a membership check. An answer the client already holds (If-None-Match) costs only the first
// call.
import { z } from 'zod';
import type { Reader } from '../auth/access';
import type { DatabaseStore, FunctionArgs } from '../db/store';
import { HttpError } from '../http/errors';
import { answerEtag, etagMatches, type AnswerBasis, type AnswerKind } from './etag';
import { resolveQuery, type AnswerQuery, type AnswerRequest, type CampaignsQuery, type CampaignsRequest, type DashboardQuery, type DashboardRequest } from './query';
import { campaignsResponseSchema, dashboardResponseSchema, freshnessRowSchema, isoDay, type CampaignsResponse, type DashboardResponse } from './response';

/** What a *_for_member function answers instead of the data when the caller may not have it. */
const refusalSchema = z.object({ error: z.enum(['not_found', 'forbidden']) });

/** dashboard_answer_context: the zone an answer's days are cut in, today there, and the data version (null for raw). */
export const answerContextSchema = z.object({
  time_zone: z.string(),
  today: isoDay,
  data_version: z.number().nullable(),
});
export type AnswerContext = z.infer<typeof answerContextSchema>;

/**
 * dashboard_answer_basis: the answer context, and for source mv the answer's freshness rows now (what
 * an answer kept by lib/dashboard/answer-cache.ts is keyed by and served with).
 */
export const answerBasisSchema = answerContextSchema.extend({ freshness: z.array(freshnessRowSchema).nullable() });
export type AnswerBasisRead = z.infer<typeof answerBasisSchema>;

/**
 * How an answer was found, for the x-dashboard-cache header: hit and miss in the answers cache, off
 * (not consulted: DASHBOARD_CACHE=off, or no framework cache in this process, as in tests and
 * scripts), bypass (live and raw answers are never kept).
 */
export type CacheStatus = 'hit' | 'miss' | 'off' | 'bypass';

export type Answer<Body> =
  | { kind: 'data'; body: Body; etag: string | null; cache?: CacheStatus }
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

/** The context of one workspace's answers from one source, as `reader` may see it (404/403 otherwise). */
export async function readAnswerContext(store: DatabaseStore, reader: Reader, workspaceId: string, source: AnswerRequest['source']): Promise<AnswerContext> {
  const value = await callAs(store, reader, 'dashboard_answer_context', { p_workspace_id: workspaceId, p_source: source });
  throwIfRefused(value);
  return answerContextSchema.parse(value);
}

/** The basis of one workspace's answers from one source, as `reader` may see it (404/403 otherwise): one small call. */
export async function readAnswerBasis(store: DatabaseStore, reader: Reader, workspaceId: string, source: AnswerRequest['source']): Promise<AnswerBasisRead> {
  const value = await callAs(store, reader, 'dashboard_answer_basis', { p_workspace_id: workspaceId, p_source: source });
  throwIfRefused(value);
  return answerBasisSchema.parse(value);
}

/**
 * The dashboard answer of a resolved query, computed by the database without a membership check:
 * for callers that decided access already, in the same request (lib/dashboard/answer-cache.ts).
 */
export async function computeDashboard(store: DatabaseStore, query: DashboardQuery): Promise<DashboardResponse> {
  const value = await store.callValue('dashboard_aggregate', { ...answerArgs(query), ...aggregateArgs(query) });
  throwIfRefused(value);
  return dashboardResponseSchema.parse(value);
}

/** The campaign table of a resolved query, computed as computeDashboard's. */
export async function computeCampaigns(store: DatabaseStore, query: CampaignsQuery): Promise<CampaignsResponse> {
  const value = await store.callValue('dashboard_campaigns', answerArgs(query));
  throwIfRefused(value);
  return campaignsResponseSchema.parse(value);
}

const aggregateArgs = (query: AnswerQuery): FunctionArgs => ({ p_interval: query.interval ?? 'day', p_compare: query.compare ?? null });

function answerArgs(query: AnswerQuery): FunctionArgs {
  return { p_workspace_id: query.workspace_id, p_from: query.from, p_to: query.to, p_campaign: query.campaign, p_source: query.source };
}

/**
 * The dashboard for one request as `reader` may see it: its days resolved on the workspace's today
 * (range=7d, missing from/to), and on the mv and live paths an ETag made of the answer's context and
 * query; given the client's If-None-Match, an unchanged answer is not recomputed.
 */
export function readDashboard(store: DatabaseStore, reader: Reader, request: DashboardRequest, ifNoneMatch?: string | null): Promise<DashboardAnswer> {
  return readAnswer(store, reader, 'dashboard_aggregate', 'aggregate', dashboardResponseSchema, request, ifNoneMatch, aggregateArgs);
}

/** Every campaign of the workspace with activity in the range, side by side; ETag and 304 as the aggregate's. */
export function readCampaigns(store: DatabaseStore, reader: Reader, request: CampaignsRequest, ifNoneMatch?: string | null): Promise<CampaignsAnswer> {
  return readAnswer(store, reader, 'dashboard_campaigns', 'campaigns', campaignsResponseSchema, request, ifNoneMatch);
}

async function readAnswer<Body>(
  store: DatabaseStore,
  reader: Reader,
  name: string,
  kind: AnswerKind,
  schema: z.ZodType<Body>,
  request: AnswerRequest,
  ifNoneMatch: string | null | undefined,
  extra: (query: AnswerQuery) => FunctionArgs = () => ({}),
): Promise<Answer<Body>> {
  const context = await readAnswerContext(store, reader, request.workspace_id, request.source);
  const query = resolveQuery(request, context.today);
  const etag = context.data_version === null ? null : answerEtag(query, context as AnswerBasis, kind);
  if (etag && etagMatches(ifNoneMatch, etag)) return { kind: 'not-modified', etag };
  const value = await callAs(store, reader, name, { ...answerArgs(query), ...extra(query) });
  throwIfRefused(value);
  return { kind: 'data', body: schema.parse(value), etag };
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
