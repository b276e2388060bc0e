// The benchmark's measurements at one table size. Each function returns plain data for the report.
import pg from 'pg';
import { refreshViews, type RefreshResult } from '../../../lib/admin/views';
import { OPEN_READER, readDashboard } from '../../../lib/dashboard/read';
import { addDays, toDay } from '../../../lib/dashboard/days';
import type { DashboardQuery } from '../../../lib/dashboard/query';
import { dashboardResponseSchema, type DashboardSource } from '../../../lib/dashboard/response';
import { createPostgresStore } from '../../../lib/db/postgres';
import { explain, SHAPES, SPEC_AFTER, SPEC_BEFORE, type ExplainResult, type ShapeName } from './probes';
import { alone, interleaved, round, summarize, timeIt, tolerateTimeouts, type Timing } from './stats';

export interface Pair { raw: Timing; mv: Timing; ratio: number }
/** A pair whose two sources were also checked to give the same answer, plus the views timed alone. */
export type CheckedPair = Pair & { same_answer: boolean; mv_alone: Timing };
export interface ApiShape { name: string; days: number; campaign: string | null }

// The whole dashboard (summary, timeseries, sequence, cost) comes from one dashboard_aggregate()
// call, so the API is timed per range and scope rather than per chart.
export const API_SHAPES: ApiShape[] = [
  { name: '30 days, all campaigns', days: 30, campaign: null },
  { name: '90 days, all campaigns', days: 90, campaign: null },
  { name: '365 days, all campaigns', days: 365, campaign: null },
  { name: '30 days, one campaign', days: 30, campaign: 'top' },
  { name: '365 days, one campaign', days: 365, campaign: 'top' },
];

export interface Target {
  workspace: string;
  campaign: string;
  /** The workspace's time zone, and today there (its days are local days). */
  time_zone: string;
  today: string;
}

/** The busiest workspace (of those starting with `prefix`) and its busiest campaign: the heaviest realistic dashboard. */
export async function pickTarget(client: pg.ClientBase, prefix = ''): Promise<Target> {
  const { rows } = await client.query(`
    with busiest as (select workspace_id from mv_daily_stats where starts_with(workspace_id, $1)
                     group by 1 order by sum(sends) desc, 1 limit 1)
    select b.workspace_id,
           (select m.campaign_name from mv_daily_stats m where m.workspace_id = b.workspace_id
            group by 1 order by sum(m.sends) desc, 1 limit 1) as campaign_name,
           z.time_zone, to_char((now() at time zone z.time_zone)::date, 'YYYY-MM-DD') as today
    from busiest b
    cross join lateral (select coalesce((select s.time_zone from public.workspace_settings s where s.workspace_id = b.workspace_id), 'UTC') as time_zone) z`,
  [prefix]);
  if (!rows[0]) throw new Error('no data in mv_daily_stats: seed and refresh first');
  return { workspace: rows[0].workspace_id, campaign: rows[0].campaign_name, time_zone: rows[0].time_zone, today: rows[0].today };
}

/**
 * An answer's figures, to compare answers of different sources or databases: everything but its
 * source and freshness, in the contract's key order (so an answer read through the app and one read
 * from the SQL function directly compare alike). 'timed out' for a read past the time limit.
 */
export function answerFigures(answer: Awaited<ReturnType<typeof readDashboard>> | { kind: 'sql'; value: unknown } | undefined): string {
  if (!answer) return 'timed out';
  if (answer.kind === 'not-modified') throw new Error('dashboard answered not-modified without an ETag');
  const { source: _source, freshness: _freshness, ...rest } = dashboardResponseSchema.parse(answer.kind === 'sql' ? answer.value : answer.body);
  return JSON.stringify(rest);
}

export function queryFor(target: Target, shape: ApiShape, source: DashboardSource): DashboardQuery {
  return {
    workspace_id: target.workspace,
    from: addDays(target.today, -(shape.days - 1)),
    to: target.today,
    range: null,
    campaign: shape.campaign === 'top' ? target.campaign : null,
    source,
    interval: 'day',
    compare: null,
  };
}

/** The spec's Testing SQL: COUNT over raw events vs SUM over the view, last 37 days. */
export async function specSql(client: pg.ClientBase, today: string) {
  const from = addDays(today, -36);
  const runs: Array<{ before: ExplainResult; after: ExplainResult }> = [];
  for (let i = 0; i < 5; i++) {
    runs.push({
      before: await explain(client, SPEC_BEFORE, [`${from}T00:00:00Z`, `${today}T23:59:59Z`]),
      after: await explain(client, SPEC_AFTER, [from, today]),
    });
  }
  const median = (pick: (r: (typeof runs)[number]) => number) => summarize(runs.map(pick)).median;
  const last = runs.at(-1);
  return {
    range: { from, to: today },
    before_ms: median((r) => r.before.execution_ms),
    after_ms: median((r) => r.after.execution_ms),
    ratio: round(median((r) => r.before.execution_ms) / median((r) => r.after.execution_ms), 1),
    before_buffers: { hit: last?.before.shared_hit ?? 0, read: last?.before.shared_read ?? 0 },
    after_buffers: { hit: last?.after.shared_hit ?? 0, read: last?.after.shared_read ?? 0 },
  };
}

/** The spec's three query rows on their own, raw vs views, 30 days of the busiest workspace. */
export async function shapeQueries(client: pg.ClientBase, target: Target, iterations: number, step: () => void) {
  // The views' rows are local days already; the raw rows are cut in the workspace's zone ($5).
  const values = [target.workspace, addDays(target.today, -29), target.today, null];
  const rawValues = [...values, target.time_zone];
  const result = {} as Record<ShapeName, CheckedPair>;
  for (const name of Object.keys(SHAPES) as ShapeName[]) {
    const [rawRows, mvRows] = [await client.query(SHAPES[name].raw, rawValues), await client.query(SHAPES[name].mv, values)];
    const same = canonicalRows(rawRows.rows) === canonicalRows(mvRows.rows);
    const mv = () => client.query(SHAPES[name].mv, values);
    const pair = await interleaved(() => client.query(SHAPES[name].raw, rawValues), mv, iterations, step);
    result[name] = { ...pair, same_answer: same, mv_alone: await alone(mv, iterations) };
  }
  return result;
}

/** Rows as comparable text: values as strings (bigint and numeric sums print alike), rows sorted. */
function canonicalRows(rows: Array<Record<string, unknown>>): string {
  return JSON.stringify(rows.map((row) => Object.values(row).map((v) => (v instanceof Date ? v.toISOString() : String(v)))).sort());
}

/** The whole dashboard answer through the app's own code (lib → store → SQL function). */
export async function apiInProcess(url: string, target: Target, iterations: number, step: () => void) {
  const store = createPostgresStore({ connectionString: url, max: 2 });
  try {
    const out: Array<{ shape: string; raw_timeouts: number } & CheckedPair> = [];
    for (const shape of API_SHAPES) {
      const raw = tolerateTimeouts(() => readDashboard(store, OPEN_READER, queryFor(target, shape, 'raw')));
      const mv = () => readDashboard(store, OPEN_READER, queryFor(target, shape, 'mv'));
      const [rawAnswer, mvAnswer] = [answerFigures(await raw.call()), answerFigures(await mv())];
      const pair = await interleaved(raw.call, mv, iterations, step);
      out.push({ shape: shape.name, ...pair, same_answer: rawAnswer === mvAnswer, mv_alone: await alone(mv, iterations), raw_timeouts: raw.timeouts() });
    }
    return out;
  } finally {
    await store.close();
  }
}

/** The same over HTTP against `next start` (production build), signed in as a workspace admin. */
export async function apiOverHttp(baseUrl: string, target: Target, iterations: number, step: () => void, headers: Record<string, string> = {}) {
  let timeouts = 0;
  const fetchQuery = async (query: DashboardQuery) => {
    const params = new URLSearchParams({ workspace_id: query.workspace_id, from: query.from, to: query.to, source: query.source });
    if (query.campaign) params.set('campaign', query.campaign);
    const response = await fetch(`${baseUrl}/api/dashboard/aggregate?${params}`, { headers });
    const text = await response.text();
    // A read past the dashboard functions' statement_timeout answers 503: the cost limit at work.
    // It is counted (its time is the limit), not fatal; the views never come near it.
    if (response.status === 503 && /too long/.test(text) && query.source === 'raw') timeouts += 1;
    else if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${text}`);
  };
  const out: Array<{ shape: string; raw_timeouts: number } & Pair> = [];
  for (const shape of API_SHAPES) {
    timeouts = 0;
    const pair = await interleaved(() => fetchQuery(queryFor(target, shape, 'raw')), () => fetchQuery(queryFor(target, shape, 'mv')), iterations, step);
    out.push({ shape: shape.name, ...pair, raw_timeouts: timeouts });
  }
  return out;
}

/** refresh_dashboard_views(true), the full rebuild, end to end, a few times. */
export async function refreshTimes(url: string, runs: number, step: () => void) {
  const store = createPostgresStore({ connectionString: url, max: 1 });
  try {
    const results: Array<Extract<RefreshResult, { status: 'refreshed' }>> = [];
    for (let i = 0; i < runs; i++) {
      const result = await refreshViews(store, { full: true });
      if (result.status === 'refreshed') results.push(result);
      step();
    }
    const perView = Object.fromEntries((results[0]?.views ?? []).map((v) => [
      v.view_name, summarize(results.map((r) => r.views.find((x) => x.view_name === v.view_name)?.duration_ms ?? NaN)).median,
    ]));
    return { runs: results.length, total: summarize(results.map((r) => r.duration_ms)), per_view_median_ms: perView };
  } finally {
    await store.close();
  }
}

/**
 * Two concurrent dashboard readers (mv, 30 days) for a while before a refresh and for as long as it
 * runs (`beforeRefresh` gives it work first): they should never wait for it.
 */
export async function refreshUnderLoad(url: string, target: Target, beforeMs = 3_000, beforeRefresh: () => Promise<void> = async () => {}) {
  const READERS = 2;
  const readers = createPostgresStore({ connectionString: url, max: READERS });
  const refresher = createPostgresStore({ connectionString: url, max: 1 });
  const query = queryFor(target, API_SHAPES[0] ?? { name: '', days: 30, campaign: null }, 'mv');
  const read = async (until: () => boolean) => {
    const samples: number[] = [];
    const loop = async () => {
      do samples.push(await timeIt(() => readDashboard(readers, OPEN_READER, query)));
      while (!until());
    };
    await Promise.all(Array.from({ length: READERS }, loop));
    return samples;
  };
  try {
    const stopAt = Date.now() + beforeMs;
    const before = await read(() => Date.now() > stopAt);
    await beforeRefresh();
    let done = false;
    const refresh = timeIt(() => refreshViews(refresher)).finally(() => { done = true; });
    const during = await read(() => done);
    return { readers: READERS, reader_before: summarize(before), reader_during: summarize(during), refresh_ms: round(await refresh, 1) };
  } finally {
    await readers.close();
    await refresher.close();
  }
}
