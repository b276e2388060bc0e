// The benchmark of incremental maintenance and live answers at one table size: what a refresh costs
// after a batch of new events, after a back-fill and with nothing to do, the full rebuild beside it,
// what change tracking costs writers, and live answers against mv and raw with writes pending.
import pg from 'pg';
import { refreshViews, type RefreshResult } from '../../../lib/admin/views';
import { OPEN_READER, readDashboard } from '../../../lib/dashboard/read';
import type { DashboardSource } from '../../../lib/dashboard/response';
import { createPostgresStore } from '../../../lib/db/postgres';
import { answerFigures, API_SHAPES, queryFor, type Target } from './measure';
import { round, summarize, timeIt, tolerateTimeouts, type Timing } from './stats';

type Refreshed = Extract<RefreshResult, { status: 'refreshed' }>;

// New events from the demo data's contacts and campaigns (of workspaces starting with $3), so they
// land in existing buckets and chains like a producer's would. $1 rows, $2 salt, $4 contacts per
// workspace; $5 the UTC day offset range start and $6 its width (0: now, minus up to ten minutes).
const INSERT_EVENTS = `
  insert into public.email_events (workspace_id, campaign_name, contact_email, event_type, email_number, event_ts)
  select c.workspace_id, c.campaign_name,
         format('%s.%s@%s', (array['alex','sam','maria','li','noah','emma','omar','yuki','lea','raj'])[1 + (k % 10)], k,
                (array['example.com','mail.test','acme.io','corp.dev','shop.net','uni.edu'])[1 + (k % 6)]),
         (array['sent','sent','sent','opened','opened','clicked','replied'])[1 + (hashint4(g * 7 + $2) & 65535) % 7],
         1 + (hashint4(g * 11 + $2) & 65535) % 5,
         case when $6::int = 0 then now() - make_interval(secs => (hashint4(g * 13 + $2) & 65535) % 600)
              else date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'
                   - make_interval(days => $5::int + (hashint4(g * 17 + $2) & 65535) % $6::int, hours => 8 + g % 10) end
  from generate_series(1, $1::int) g
  cross join lateral (select (hashint4(g + $2) & 2147483647) % $4::int as k) kk
  join (select row_number() over (order by workspace_id, campaign_name) - 1 as i, count(*) over () as n, workspace_id, campaign_name
        from (select distinct workspace_id, campaign_name from public.mv_daily_stats where starts_with(workspace_id, $3)) d) c
    on c.i = (hashint4(g * 3 + $2) & 65535) % c.n`;

export interface WriteOptions { prefix: string; contactsPerWorkspace: number }

/** The bench's writes into a database of `events` events: contacts drawn from about a ninetieth of them per workspace. */
export function writeOptionsFor(events: number, prefix = ''): WriteOptions {
  return { prefix, contactsPerWorkspace: Math.max(50, Math.round(events / 90)) };
}

/** How much each case writes: the sizes by default; the smoke test passes small ones. */
export interface WriteSizes { batch: number; backfill: number; throughputBatch: number; throughputSingles: number; livePending: number[] }
export const DEFAULT_WRITE_SIZES: WriteSizes = { batch: 10_000, backfill: 1_000, throughputBatch: 10_000, throughputSingles: 1_000, livePending: [0, 10_000, 100_000] };

/** count new events stamped within the last ten minutes, across workspaces. */
export async function insertRecent(client: pg.ClientBase, count: number, salt: number, o: WriteOptions): Promise<void> {
  await client.query(INSERT_EVENTS, [count, salt, o.prefix, o.contactsPerWorkspace, 0, 0]);
}

/** count late events spread over `days` days starting `fromDaysAgo` days back. */
export async function insertBackfill(client: pg.ClientBase, count: number, salt: number, o: WriteOptions, fromDaysAgo: number, days: number) {
  await client.query(INSERT_EVENTS, [count, salt, o.prefix, o.contactsPerWorkspace, fromDaysAgo, days]);
}

export interface RefreshRun { ms: number; buckets: number; rows_changed: number }

function summarizeRuns(runs: RefreshRun[]) {
  return { runs: runs.length, total: summarize(runs.map((r) => r.ms)), buckets: runs[0]?.buckets ?? 0,
    rows_changed_median: summarize(runs.map((r) => r.rows_changed)).median };
}

/** Refreshes, asserting it ran (a skipped refresh would time nothing). */
async function refresh(store: ReturnType<typeof createPostgresStore>, full = false): Promise<Refreshed> {
  const result = await refreshViews(store, { full });
  if (result.status !== 'refreshed') throw new Error(`refresh skipped: ${result.reason}`);
  return result;
}

/**
 * Incremental refresh after each kind of write (each a few times, medians), and
 * insert throughput with and without the change-tracking triggers (in rolled-back transactions, so
 * the measurement leaves no rows behind).
 */
export async function incrementalSection(url: string, client: pg.ClientBase, o: WriteOptions & { runs: number; sizes: WriteSizes; step: () => void }) {
  const store = createPostgresStore({ connectionString: url, max: 1 });
  try {
    await refresh(store);
    const timed = async (write: (salt: number) => Promise<void>, salt: number): Promise<RefreshRun> => {
      await write(salt);
      const result = await refresh(store);
      o.step();
      return { ms: result.duration_ms, buckets: result.buckets, rows_changed: result.rows_changed };
    };
    const nothing: RefreshRun[] = [];
    for (let i = 0; i < 10; i++) nothing.push(await timed(async () => {}, 0));
    const batch: RefreshRun[] = [];
    for (let i = 0; i < o.runs; i++) batch.push(await timed((salt) => insertRecent(client, o.sizes.batch, salt, o), 1000 + i));
    const backfill: RefreshRun[] = [];
    for (let i = 0; i < o.runs; i++) backfill.push(await timed((salt) => insertBackfill(client, o.sizes.backfill, salt, o, 60, 30), 2000 + i));
    return {
      nothing_changed: summarizeRuns(nothing),
      batch_10k_today: summarizeRuns(batch),
      backfill_1k_30_days: summarizeRuns(backfill),
      insert_throughput: await insertThroughput(client, o, o.sizes),
    };
  } finally {
    await store.close();
  }
}

/**
 * Rows per second into email_events, with the statement triggers and without (disabled inside the
 * transaction), alternating: 10,000-row statements, and single-row statements (a producer that
 * writes each event as it happens). The rows are generated once beforehand, so only the inserts are
 * timed; every transaction is rolled back.
 */
export async function insertThroughput(client: pg.ClientBase, o: WriteOptions, sizes: WriteSizes) {
  await client.query(`create temporary table if not exists bench_rows
    (workspace_id text, campaign_name text, contact_email text, event_type text, email_number smallint, event_ts timestamptz)`);
  await client.query('truncate bench_rows');
  // The generator writes to email_events: its rows come back to us and that transaction is rolled back.
  type Row = { workspace_id: string; campaign_name: string; contact_email: string; event_type: string; email_number: number; event_ts: Date };
  let made: Row[];
  await client.query('begin');
  try {
    made = (await client.query<Row>(`${INSERT_EVENTS} returning workspace_id, campaign_name, contact_email, event_type, email_number, event_ts`,
      [sizes.throughputBatch, 424242, o.prefix, o.contactsPerWorkspace, 0, 0])).rows;
  } finally {
    await client.query('rollback');
  }
  const column = <K extends keyof Row>(key: K) => made.map((row) => row[key]);
  await client.query(`insert into bench_rows select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::timestamptz[])`,
    [column('workspace_id'), column('campaign_name'), column('contact_email'), column('event_type'), column('email_number'), column('event_ts')]);
  const singles = (await client.query(`select workspace_id, campaign_name, contact_email, event_type, email_number, event_ts
    from bench_rows limit $1`, [sizes.throughputSingles])).rows as Array<Record<string, unknown>>;
  const citus = (await client.query(`select exists (select 1 from pg_extension where extname = 'citus') as citus`)).rows[0].citus === true;
  const once = async (triggers: boolean, batch: boolean) => {
    await client.query('begin');
    try {
      if (!triggers) {
        // Citus refuses trigger DDL on a distributed table unless told (then it applies it to every shard).
        if (citus) await client.query('set local citus.enable_unsafe_triggers = on');
        await client.query('alter table public.email_events disable trigger user');
      }
      return await timeIt(async () => {
        if (batch) {
          await client.query(`insert into public.email_events (workspace_id, campaign_name, contact_email, event_type, email_number, event_ts)
            select workspace_id, campaign_name, contact_email, event_type, email_number, event_ts from bench_rows`);
          return;
        }
        for (const row of singles) {
          await client.query(`insert into public.email_events (workspace_id, campaign_name, contact_email, event_type, email_number, event_ts)
            values ($1, $2, $3, $4, $5, $6)`, [row.workspace_id, row.campaign_name, row.contact_email, row.event_type, row.email_number, row.event_ts]);
        }
      });
    } finally {
      await client.query('rollback');
    }
  };
  const measure = async (batch: boolean) => {
    const samples: Record<'with' | 'without', number[]> = { with: [], without: [] };
    await once(true, batch);
    await once(false, batch);
    for (let i = 0; i < 7; i++) {
      samples.with.push(await once(true, batch));
      samples.without.push(await once(false, batch));
    }
    const rows = batch ? sizes.throughputBatch : singles.length;
    const perSecond = (ms: Timing) => round(rows / (ms.median / 1000), 0);
    const withTriggers = summarize(samples.with);
    const without = summarize(samples.without);
    return {
      rows, rows_per_statement: batch ? rows : 1,
      with_triggers_rows_per_s: perSecond(withTriggers), without_triggers_rows_per_s: perSecond(without),
      overhead_pct: round((withTriggers.median / without.median - 1) * 100, 1),
    };
  };
  return { batch: await measure(true), single_row: await measure(false) };
}

/**
 * The dashboard (30 days and 365 days, all campaigns; in-process) from live, mv and raw, interleaved,
 * with 0, 10,000 and 100,000 new events pending (written, not yet refreshed); live must equal raw.
 */
export async function liveSection(url: string, client: pg.ClientBase, target: Target, o: LiveOptions) {
  const [result] = await liveSections([{ url, client }], target, o);
  if (!result) throw new Error('no live result');
  return result;
}

type LiveOptions = WriteOptions & { iterations: number; sizes: WriteSizes; step: () => void };

/**
 * The same on several databases holding the same rows (bench --citus), sample by sample in turn:
 * live, mv, raw on the first, then on the next, so every database sees the same machine load.
 */
export async function liveSections(databases: Array<{ url: string; client: pg.ClientBase }>, target: Target, o: LiveOptions) {
  const dbs = databases.map((db) => ({ ...db, store: createPostgresStore({ connectionString: db.url, max: 2 }), levels: [] as LiveLevel[] }));
  try {
    for (const db of dbs) await refresh(db.store);
    let pending = 0;
    for (const level of o.sizes.livePending) {
      if (level > pending) for (const db of dbs) await insertRecent(db.client, level - pending, 5000 + level, o);
      pending = level;
      for (const shape of [API_SHAPES[0], API_SHAPES[2]]) {
        if (!shape) continue;
        const readers = [];
        for (const db of dbs) {
          const rawCalls = tolerateTimeouts(() => readDashboard(db.store, OPEN_READER, queryFor(target, shape, 'raw')));
          const call = (source: DashboardSource) => (source === 'raw' ? rawCalls.call() : readDashboard(db.store, OPEN_READER, queryFor(target, shape, source)));
          const figures = async (source: DashboardSource) => answerFigures(await call(source));
          // live against raw computed now (a raw read past the time limit is compared as the raw SQL of
          // the same function would answer it: without a limit, in this session).
          const liveFigures = await figures('live');
          const rawFigures = await figures('raw');
          const sameAnswer = rawFigures === 'timed out' ? await sameAsUnlimitedRaw(db.client, target, shape, liveFigures) : liveFigures === rawFigures;
          for (const source of ['live', 'mv', 'raw'] as const) await call(source);
          readers.push({ db, call, rawCalls, sameAnswer, samples: { live: [], mv: [], raw: [] } as Record<DashboardSource, number[]> });
        }
        for (let i = 0; i < o.iterations; i++) {
          for (const reader of readers) {
            for (const source of ['live', 'mv', 'raw'] as const) reader.samples[source].push(await timeIt(() => reader.call(source)));
          }
          o.step();
        }
        for (const { db, samples, sameAnswer, rawCalls } of readers) {
          const [live, mv, raw] = [summarize(samples.live), summarize(samples.mv), summarize(samples.raw)];
          db.levels.push({ pending: level, shape: shape.name, live, mv, raw, same_answer: sameAnswer,
            live_over_mv: round(live.median / mv.median, 2), raw_over_live: round(raw.median / live.median, 1), raw_timeouts: rawCalls.timeouts() });
        }
      }
    }
    const results = [];
    for (const db of dbs) {
      const drained = await refresh(db.store);
      results.push({ levels: db.levels, refresh_after_pending: { pending, ms: drained.duration_ms, buckets: drained.buckets, rows_changed: drained.rows_changed } });
    }
    return results;
  } finally {
    await Promise.all(dbs.map((db) => db.store.close()));
  }
}

interface LiveLevel {
  pending: number; shape: string; live: Timing; mv: Timing; raw: Timing; same_answer: boolean;
  live_over_mv: number; raw_over_live: number; raw_timeouts: number;
}

/** live's figures against dashboard_aggregate(…, 'raw') run with no statement_timeout, for a range whose raw read passes the limit. */
async function sameAsUnlimitedRaw(client: pg.ClientBase, target: Target, shape: (typeof API_SHAPES)[number], liveFigures: string): Promise<boolean> {
  const query = queryFor(target, shape, 'raw');
  const { rows } = await client.query('select public.dashboard_aggregate($1, $2, $3, $4, $5) as answer',
    [query.workspace_id, query.from, query.to, query.campaign, 'raw']);
  return answerFigures({ kind: 'sql', value: rows[0].answer }) === liveFigures;
}
