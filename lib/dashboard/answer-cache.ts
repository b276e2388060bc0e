// Answers from the views, kept by the server until a refresh changes them. The routes and
// the page read through here. Every request first makes one small SQL call that decides access (a
// non-member's request stops there, before any kept answer is looked at) and reads what the answer is
// computed from: the workspace's version in the views, its zone and today there. The answer is then
// looked up in Next.js's cache ("use cache: remote": shared by every instance on Vercel, an in-memory
// LRU under `next start`) under that key with the resolved query, and computed by the database only
// when missing. A refresh from anywhere (the route, the cron, pg_cron, the SQL editor) moves the
// version, so a kept answer is never served after its data changed. Only source=mv is kept; live and
// raw answers are computed every time. An answer is kept as its JSON text (with a slot for its
// freshness, which is read with every request): the routes send it as it is, nothing is parsed or
// serialized again on a hit. See docs/operations.md, "Answers kept until a refresh".
import 'server-only';
import { randomUUID } from 'node:crypto';
import { cacheLife, cacheTag } from 'next/cache';
import type { Reader } from '../auth/access';
import { getStore } from '../db';
import { env, frameworkCacheAvailable } from '../env';
import { isStoreUnavailableError, StoreUnavailableError } from '../db/store';
import { isZodError } from '../errors';
import { HttpError, isHttpError } from '../http/errors';
import { KEPT_ANSWERS_TAG } from './kept-answers';
import { answerEtag, etagMatches, todayOfAnswer, type AnswerKind } from './etag';
import { resolveQuery, type AnswerQuery, type AnswerRequest, type CampaignsRequest, type DashboardRequest } from './query';
import {
  computeCampaigns, computeDashboard, readAnswerBasis, readCampaigns, readDashboard,
  type Answer, type AnswerBasisRead, type CacheStatus, type CampaignsAnswer, type DashboardAnswer,
} from './read';
import { workspacesResponseSchema, type CampaignsResponse, type DashboardComparison, type DashboardInterval, type DashboardResponse, type FreshnessRow, type WorkspacesResponse } from './response';
import { readWorkspaces, readWorkspacesBasis, workspacesAnswer, workspacesFor, type WorkspacesAnswer } from './workspaces';


/**
 * How long a kept answer may stay when nothing asks for it or moves its version: a day. Bounded in
 * memory as well by Next.js's LRU (cacheMaxMemorySize in next.config.js) under `next start`.
 */
const KEEP = { stale: 300, revalidate: 86_400, expire: 86_400 } as const;
/** What is computed but must not be kept: a failure, or an answer computed across the zone's midnight. */
const DO_NOT_KEEP = { stale: 0, revalidate: 0, expire: 0 } as const;

/** What an answer is looked up by: the resolved query and the basis read in the same request. */
export interface KeptAnswerKey {
  kind: AnswerKind;
  workspace_id: string;
  from: string;
  to: string;
  campaign: string | null;
  interval: DashboardInterval | null;
  compare: DashboardComparison | null;
  /** The workspace's version in the views (moved by every refresh that writes its rows). */
  data_version: number;
  /** The zone the views cut its days in. */
  time_zone: string;
  /** Today in that zone when the answer depends on it, else null (etag.ts's todayOfAnswer). */
  today: string | null;
}

/** The key of an mv answer: only what the answer is computed from, nothing of who asks. */
export function keptAnswerKey(kind: AnswerKind, query: AnswerQuery, basis: AnswerBasisRead): KeptAnswerKey {
  if (basis.data_version === null) throw new Error('an answer without a data version (source raw) cannot be kept');
  return {
    kind, workspace_id: query.workspace_id, from: query.from, to: query.to, campaign: query.campaign,
    interval: kind === 'aggregate' ? (query.interval ?? 'day') : null, compare: kind === 'aggregate' ? (query.compare ?? null) : null,
    data_version: basis.data_version, time_zone: basis.time_zone, today: todayOfAnswer(query, basis),
  };
}

/** An answer as the routes send it: the body as JSON text. */
export type JsonAnswer = { kind: 'data'; json: string; etag: string | null; cache?: CacheStatus } | { kind: 'not-modified'; etag: string };

/** GET /api/dashboard/aggregate: kept answers for source mv, as read.ts's readDashboard otherwise. */
export async function serveDashboardJson(reader: Reader, request: DashboardRequest, ifNoneMatch?: string | null): Promise<JsonAnswer> {
  if (!keeps(request)) return asJson(uncached(request, await readDashboard(getStore(), reader, request, ifNoneMatch)));
  return keptAsJson(await serveKept(reader, 'aggregate', request, ifNoneMatch, keptDashboard));
}

/** GET /api/dashboard/campaigns: as serveDashboardJson. */
export async function serveCampaignsJson(reader: Reader, request: CampaignsRequest, ifNoneMatch?: string | null): Promise<JsonAnswer> {
  if (!keeps(request)) return asJson(uncached(request, await readCampaigns(getStore(), reader, request, ifNoneMatch)));
  return keptAsJson(await serveKept(reader, 'campaigns', request, ifNoneMatch, keptCampaigns));
}

/** The page: the same answers as serveDashboardJson, as objects. */
export async function serveDashboard(reader: Reader, request: DashboardRequest, ifNoneMatch?: string | null): Promise<DashboardAnswer> {
  if (!keeps(request)) return uncached(request, await readDashboard(getStore(), reader, request, ifNoneMatch));
  return keptAsBody<DashboardResponse>(await serveKept(reader, 'aggregate', request, ifNoneMatch, keptDashboard));
}

/** The page: as serveDashboard. */
export async function serveCampaigns(reader: Reader, request: CampaignsRequest, ifNoneMatch?: string | null): Promise<CampaignsAnswer> {
  if (!keeps(request)) return uncached(request, await readCampaigns(getStore(), reader, request, ifNoneMatch));
  return keptAsBody<CampaignsResponse>(await serveKept(reader, 'campaigns', request, ifNoneMatch, keptCampaigns));
}

/**
 * GET /api/dashboard/workspaces and the page: the list of every workspace is kept once for everyone
 * under the version of the views and zones; each request reads that version with the caller's
 * memberships (one call) and is answered with its own workspaces only.
 */
export async function serveWorkspaces(reader: Reader, ifNoneMatch?: string | null): Promise<WorkspacesAnswer> {
  const listed = await listWorkspaces(reader);
  return withStatus(workspacesAnswer(listed.body, ifNoneMatch), listed.cache);
}

/** The reader's workspaces (the page's first render), as serveWorkspaces finds them. */
export async function listWorkspaces(reader: Reader): Promise<{ body: WorkspacesResponse; cache: CacheStatus }> {
  const store = getStore();
  if (!cacheOn()) return { body: await readWorkspaces(store, reader), cache: 'off' };
  const basis = await readWorkspacesBasis(store, reader);
  const kept = await keptWorkspaceList(basis.views_version);
  return { body: workspacesFor(unwrap(kept), basis), cache: statusOf(kept) };
}

/**
 * The cache is consulted: not with DASHBOARD_CACHE=off, nor outside Next.js's server (vitest and tsx
 * scripts run these modules in-process, with no cache scope), where every answer is read as before
 * the cache existed: one call deciding access and the answer's basis, one computing it as the member.
 */
const cacheOn = (): boolean => env().DASHBOARD_CACHE === 'on' && frameworkCacheAvailable();

const keeps = (request: AnswerRequest): boolean => request.source === 'mv' && cacheOn();

function uncached<A extends Answer<unknown>>(request: AnswerRequest, answer: A): A {
  return withStatus(answer, request.source === 'mv' ? 'off' : 'bypass');
}

function withStatus<A extends Answer<unknown>>(answer: A, cache: CacheStatus): A {
  return answer.kind === 'data' ? { ...answer, cache } : answer;
}

function asJson(answer: Answer<unknown>): JsonAnswer {
  return answer.kind === 'data' ? { kind: 'data', json: JSON.stringify(answer.body), etag: answer.etag, cache: answer.cache } : answer;
}

/**
 * A kept answer as JSON text: the body serialized with its freshness left out, cut where the freshness
 * goes. head + the freshness rows as JSON + tail is exactly JSON.stringify of the whole body.
 */
export interface KeptJson { head: string; tail: string }

const FRESHNESS_SLOT = '"freshness":null';

/** The body as kept: serialized once, when it is computed. */
export function keptJson(body: { freshness: unknown }): KeptJson {
  const text = JSON.stringify({ ...body, freshness: null });
  // Inside a JSON string every quote is escaped, so this text can only be the body's own key.
  const at = text.indexOf(FRESHNESS_SLOT);
  if (at < 0 || text.indexOf(FRESHNESS_SLOT, at + 1) >= 0) throw new Error('an answer without exactly one freshness slot cannot be kept');
  return { head: text.slice(0, at + FRESHNESS_SLOT.length - 'null'.length), tail: text.slice(at + FRESHNESS_SLOT.length) };
}

/** What serveKept found: the kept text and the freshness read in this request. */
type KeptAnswer =
  | { kind: 'data'; kept: KeptJson; freshness: FreshnessRow[]; etag: string; cache: CacheStatus }
  | { kind: 'not-modified'; etag: string };

const bodyJson = (answer: { kept: KeptJson; freshness: FreshnessRow[] }): string => answer.kept.head + JSON.stringify(answer.freshness) + answer.kept.tail;

function keptAsJson(answer: KeptAnswer): JsonAnswer {
  return answer.kind === 'data' ? { kind: 'data', json: bodyJson(answer), etag: answer.etag, cache: answer.cache } : answer;
}

/** The page's objects: the text was made from a body validated against its schema when it was computed. */
function keptAsBody<Body>(answer: KeptAnswer): Answer<Body> {
  return answer.kind === 'data' ? { kind: 'data', body: JSON.parse(bodyJson(answer)) as Body, etag: answer.etag, cache: answer.cache } : answer;
}

async function serveKept(
  reader: Reader, kind: AnswerKind, request: AnswerRequest, ifNoneMatch: string | null | undefined,
  kept: (key: KeptAnswerKey) => Promise<Kept<KeptJson>>,
): Promise<KeptAnswer> {
  // Access first: a refusal (404, 403) is thrown here, before any kept answer is looked at.
  const basis = await readAnswerBasis(getStore(), reader, request.workspace_id, request.source);
  const query = resolveQuery(request, basis.today);
  const key = keptAnswerKey(kind, query, basis);
  const etag = answerEtag(query, { ...basis, data_version: key.data_version }, kind);
  if (etagMatches(ifNoneMatch, etag)) return { kind: 'not-modified', etag };
  const found = await kept(key);
  // Freshness moves with every refresh and write while the figures do not: it is read now, not kept.
  return { kind: 'data', kept: unwrap(found), freshness: basis.freshness ?? [], etag, cache: statusOf(found) };
}

// ---------------------------------------------------------------------------------------------
// What Next.js keeps. Each function's arguments are its key (serialized with the build's id); the
// body runs only when the key is missing. Failures are returned, not thrown (Next.js would hand the
// caller an anonymous error, and a 503 must stay a 503) and are not kept.
// ---------------------------------------------------------------------------------------------

async function keptDashboard(key: KeptAnswerKey): Promise<Kept<KeptJson>> {
  'use cache: remote';
  return keep(key.workspace_id, async () => keptAnswer(await computeDashboard(getStore(), queryOf(key)), key));
}

async function keptCampaigns(key: KeptAnswerKey): Promise<Kept<KeptJson>> {
  'use cache: remote';
  return keep(key.workspace_id, async () => keptAnswer(await computeCampaigns(getStore(), queryOf(key)), key));
}

/** The list of every workspace with data; `version` (dashboard_workspaces_version) is only its key. */
async function keptWorkspaceList(version: number): Promise<Kept<WorkspacesResponse>> {
  'use cache: remote';
  void version;
  return keep(null, async () => ({ value: workspacesResponseSchema.parse(await getStore().callValue('dashboard_workspaces')), keepable: true }));
}

const queryOf = (key: KeptAnswerKey) => ({
  workspace_id: key.workspace_id, from: key.from, to: key.to, campaign: key.campaign, source: 'mv' as const, range: null,
  interval: key.interval ?? 'day', compare: key.compare,
});

/** A computed answer as kept: its JSON text, kept only when it agrees with the key's today. */
function keptAnswer(body: { partial_day: string | null; freshness: unknown }, key: KeptAnswerKey): { value: KeptJson; keepable: boolean } {
  return { value: keptJson(body), keepable: sameDay(body, key) };
}

/**
 * The answer agrees with the key's today: the database's clock passed the zone's midnight between the
 * basis and the answer (partial_day, the comparison) and the answer is served but not kept.
 */
function sameDay(body: { partial_day: string | null }, key: KeptAnswerKey): boolean {
  const expected = key.today !== null && key.from <= key.today && key.today <= key.to ? key.today : null;
  return body.partial_day === expected;
}

/** What a kept function returns: the answer or why not, and which computation made it (for hit/miss). */
type Kept<Body> = { token: string } & ({ ok: true; body: Body } | { ok: false; failure: CarriedFailure });

type CarriedFailure =
  | { kind: 'http'; status: number; message: string; extra: Record<string, unknown>; headers: Record<string, string> }
  | { kind: 'store-unavailable'; message: string; detail: StoreUnavailableError['detail'] }
  | { kind: 'zod'; message: string; issues: Array<{ path: Array<string | number>; message: string }> }
  | { kind: 'other'; message: string };

async function keep<Body>(workspace: string | null, compute: () => Promise<{ value: Body; keepable: boolean }>): Promise<Kept<Body>> {
  cacheTag(KEPT_ANSWERS_TAG, ...(workspace === null ? [] : [`${KEPT_ANSWERS_TAG}:${workspace}`]));
  cacheLife(KEEP);
  const token = computedHere();
  try {
    const { value: body, keepable } = await compute();
    if (!keepable) cacheLife(DO_NOT_KEEP);
    return { token, ok: true, body };
  } catch (error) {
    cacheLife(DO_NOT_KEEP);
    return { token, ok: false, failure: carry(error) };
  }
}

function carry(error: unknown): CarriedFailure {
  if (isHttpError(error)) return { kind: 'http', status: error.status, message: error.message, extra: error.extra, headers: error.headers };
  if (isStoreUnavailableError(error)) return { kind: 'store-unavailable', message: error.message, detail: error.detail };
  if (isZodError(error)) {
    return { kind: 'zod', message: error.message, issues: error.issues.map((issue) => ({ path: issue.path.map((p) => (typeof p === 'number' ? p : String(p))), message: issue.message })) };
  }
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

/** The kept answer, or its failure thrown again as the error the routes' mapper knows. */
function unwrap<Body>(kept: Kept<Body>): Body {
  if (kept.ok) return kept.body;
  const failure = kept.failure;
  if (failure.kind === 'http') throw new HttpError(failure.status, failure.message, failure.extra, failure.headers);
  if (failure.kind === 'store-unavailable') throw new StoreUnavailableError(failure.message, failure.detail);
  if (failure.kind === 'zod') throw Object.assign(new Error(failure.message), { name: 'ZodError', issues: failure.issues });
  throw new Error(failure.message);
}

// Hit or miss: each computation leaves a token here; the request that finds its own token (or the
// first of those that joined the same computation) computed the answer, every other one found it kept.
const computedTokens = new Set<string>();
const MAX_UNCLAIMED_TOKENS = 10_000;

function computedHere(): string {
  if (computedTokens.size >= MAX_UNCLAIMED_TOKENS) computedTokens.clear();
  const token = randomUUID();
  computedTokens.add(token);
  return token;
}

function statusOf(kept: Kept<unknown>): CacheStatus {
  return computedTokens.delete(kept.token) ? 'miss' : 'hit';
}
