// npm run bench -- --before <migration>: this build's schema against the schema made by the
// migrations before <migration>, on the same rows, measured side by side in one run. One database is
// seeded and refreshed under the old schema, a copy of it is migrated to this one, and every write
// is made to both (the same rows, the same ids), every measurement alternates between them.
// Measured in SQL, as each schema's own functions answer (the app of that build is not here): the
// dashboard answer, refreshes after each kind of write, live answers with writes pending, what change
// tracking costs a producer, and the full rebuild.
import pg from 'pg';
import { z } from 'zod';
import { applyMigrations } from '../migrate';
import { addDays } from '../../../lib/dashboard/days';
import { insertBackfill, insertRecent, insertThroughput, writeOptionsFor, type WriteSizes } from './incremental';
import { pairedSamples, round, summarize, timeIt, type Timing } from './stats';
import { timingSchema } from './results';

export const beforeResultSchema = z.object({
  events: z.number().int(),
  llm_calls: z.number().int(),
  before_migration: z.string(),
  /** The newest migration of each side. */
  schemas: z.object({ before: z.string(), after: z.string() }),
  seconds: z.object({ seed: z.number(), first_refresh_before: z.number(), migrate_after: z.number() }),
  target: z.object({ workspace: z.string(), campaign: z.string(), today: z.string() }),
  reads: z.array(z.object({ shape: z.string(), before: timingSchema, after: timingSchema, ratio: z.number() })),
  refreshes: z.array(z.object({
    case: z.string(), runs: z.number().int(), before: timingSchema, after: timingSchema, ratio: z.number(),
    after_appended_rows: z.number().int(), after_rebuilt_workspaces: z.number().int(),
  })),
  live: z.array(z.object({
    pending: z.number().int(), shape: z.string(),
    before: z.object({ live: timingSchema, mv: timingSchema, ratio: z.number() }),
    after: z.object({ live: timingSchema, mv: timingSchema, ratio: z.number() }),
  })),
  insert_overhead_pct: z.object({
    before: z.object({ batch: z.number(), single_row: z.number() }),
    after: z.object({ batch: z.number(), single_row: z.number() }),
  }),
  full_rebuild_ms: z.object({ before: z.number(), after: z.number() }).nullable(),
  zone_change: z.object({ workspace: z.string(), events: z.number().int(), refresh_ms: z.number() }),
});
export type BeforeResult = z.infer<typeof beforeResultSchema>;

type Side = 'before' | 'after';
const SIDES: Side[] = ['before', 'after'];

interface Db { url: string; client: pg.Client }

/** The database `name` on the server of `url`. */
function onDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

async function newestMigration(client: pg.ClientBase): Promise<string> {
  const { rows } = await client.query(`select max(version) as v from supabase_migrations.schema_migrations`);
  return String(rows[0]?.v ?? '');
}

/** refresh_dashboard_views() on one side, in milliseconds measured here, and what the new one says it did. */
async function refresh(db: Db, full = false): Promise<{ ms: number; appended: number; rebuilt: number }> {
  let answer: Record<string, unknown> = {};
  const ms = await timeIt(async () => {
    answer = (await db.client.query('select public.refresh_dashboard_views($1) as r', [full])).rows[0].r;
  });
  if (answer.status !== 'refreshed') throw new Error(`refresh skipped: ${String(answer.reason)}`);
  return { ms, appended: Number(answer.appended_rows ?? 0), rebuilt: Number(answer.rebuilt_workspaces ?? 0) };
}

export interface BeforeOptions {
  /** A database on a server where the bench may create and drop databases (the embedded one). */
  adminUrl: string;
  beforeMigration: string;
  events: number;
  iterations: number;
  runs: number;
  sizes: WriteSizes;
  log: (line: string) => void;
  seed: (client: pg.Client, events: number) => Promise<{ events: number; llmCalls: number; seconds: number }>;
  /** Full rebuilds on both sides (minutes at 10M). */
  fullRebuild: boolean;
}

export async function measureBefore(o: BeforeOptions): Promise<BeforeResult> {
  const admin = await connect(o.adminUrl);
  const names = { before: 'bench_before', after: 'bench_after' } as const;
  const dbs = {} as Record<Side, Db>;
  try {
    for (const name of Object.values(names)) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${names.before}`);
    const beforeUrl = onDatabase(o.adminUrl, names.before);
    o.log(`migrating ${names.before} with the migrations before ${o.beforeMigration}`);
    await applyMigrations(beforeUrl, { before: o.beforeMigration });
    let client = await connect(beforeUrl);
    const seeded = await o.seed(client, o.events);
    o.log('refreshing the views under the old schema');
    const firstRefresh = await timeIt(() => client.query('select public.refresh_dashboard_views()'));
    await client.query('vacuum (analyze)');
    await client.end();

    o.log(`copying ${names.before} to ${names.after} and migrating it to this build`);
    await admin.query(`create database ${names.after} template ${names.before}`);
    const afterUrl = onDatabase(o.adminUrl, names.after);
    const migrateSeconds = await timeIt(() => applyMigrations(afterUrl));
    client = await connect(afterUrl);
    await client.query('select public.refresh_dashboard_views()');
    await client.query('vacuum (analyze)');
    await client.end();

    for (const side of SIDES) {
      const url = side === 'before' ? beforeUrl : afterUrl;
      dbs[side] = { url, client: await connect(url) };
    }
    const schemas = { before: await newestMigration(dbs.before.client), after: await newestMigration(dbs.after.client) };
    const { rows: [target] } = await dbs.after.client.query(`
      with busiest as (select workspace_id from public.mv_daily_stats group by 1 order by sum(sends) desc, 1 limit 1)
      select b.workspace_id as workspace,
             (select m.campaign_name from public.mv_daily_stats m where m.workspace_id = b.workspace_id
              group by 1 order by sum(m.sends) desc, 1 limit 1) as campaign,
             to_char((now() at time zone 'UTC')::date, 'YYYY-MM-DD') as today
      from busiest b`);
    const writes = writeOptionsFor(seeded.events);

    // Both sides answer alike first: the same rows cut into the same (UTC) days.
    const answer = (db: Db, days: number, source: string, campaign: string | null = null) =>
      db.client.query('select public.dashboard_aggregate($1, $2::date, $3::date, $4, $5) as a',
        [target.workspace, addDays(target.today, -(days - 1)), target.today, campaign, source]);
    const figures = async (db: Db) => {
      const { summary, timeseries } = (await answer(db, 30, 'mv')).rows[0].a;
      return JSON.stringify({ summary, timeseries });
    };
    if (await figures(dbs.before) !== await figures(dbs.after)) throw new Error('the two schemas answer differently on the same rows');

    // The app's read: the old schema answers in one call; this one asks the answer's context (zone,
    // today, version) first, then the answer.
    const read = (side: Side, days: number, campaign: string | null) => async () => {
      const db = dbs[side];
      if (side === 'after') {
        await db.client.query('select public.dashboard_answer_context($1, $2) as c', [target.workspace, 'mv']);
      }
      await answer(db, days, 'mv', campaign);
    };
    const reads: BeforeResult['reads'] = [];
    for (const [shape, days, campaign] of [['30 days, all campaigns', 30, null], ['365 days, all campaigns', 365, null],
      ['30 days, one campaign', 30, target.campaign]] as Array<[string, number, string | null]>) {
      const t = await sideBySide(read('before', days, campaign), read('after', days, campaign), o.iterations);
      reads.push({ shape, ...t });
      o.log(`read ${shape}: before ${t.before.median} ms, after ${t.after.median} ms`);
    }

    // Refreshes: the same write on both, then each refreshes (in alternating order).
    const refreshes: BeforeResult['refreshes'] = [];
    const refreshCase = async (name: string, runs: number, write: (db: Db, run: number) => Promise<void>) => {
      const samples: Record<Side, number[]> = { before: [], after: [] };
      let appended = 0;
      let rebuilt = 0;
      for (let run = 0; run < runs; run++) {
        for (const side of SIDES) await write(dbs[side], run);
        const order = run % 2 === 0 ? SIDES : [...SIDES].reverse();
        for (const side of order) {
          const r = await refresh(dbs[side]);
          samples[side].push(r.ms);
          if (side === 'after') {
            appended = r.appended;
            rebuilt = r.rebuilt;
          }
        }
      }
      const [before, after] = [summarize(samples.before), summarize(samples.after)];
      refreshes.push({ case: name, runs, before, after, ratio: round(after.median / before.median, 3), after_appended_rows: appended, after_rebuilt_workspaces: rebuilt });
      o.log(`refresh after ${name}: before ${before.median} ms, after ${after.median} ms`);
    };
    await refreshCase('nothing pending', 10, async () => {});
    await refreshCase(`${o.sizes.batch.toLocaleString('en-US')} events appended (today)`, o.runs,
      (db, run) => insertRecent(db.client, o.sizes.batch, 1000 + run, writes));
    // A busy day: today already holds a tenth of the table (a big tenant mid-day). Recomputing today's
    // buckets then costs the day; adding deltas costs the batch.
    const busyDay = Math.min(500_000, Math.round(seeded.events / 10));
    for (const side of SIDES) await insertRecent(dbs[side].client, busyDay, 777, writes);
    for (const side of SIDES) await refresh(dbs[side]);
    await refreshCase(`${o.sizes.batch.toLocaleString('en-US')} events appended to a day holding ${busyDay.toLocaleString('en-US')}`, o.runs,
      (db, run) => insertRecent(db.client, o.sizes.batch, 1500 + run, writes));
    await refreshCase(`${o.sizes.backfill.toLocaleString('en-US')} events back-filled over 30 days`, o.runs,
      (db, run) => insertBackfill(db.client, o.sizes.backfill, 2000 + run, writes, 60, 30));
    // Updates and deletes of the same rows on both sides (the same ids: the same history).
    await refreshCase('1,000 updates and 1,000 deletes over 90 days', o.runs, async (db, run) => {
      await db.client.query(`update public.email_events set event_type = 'opened'
        where id in (select id from public.email_events where event_ts > now() - interval '90 days' and event_type = 'sent'
                     order by id offset $1 limit 1000)`, [run * 7919]);
      await db.client.query(`delete from public.email_events
        where id in (select id from public.email_events where event_ts > now() - interval '90 days' order by id desc offset $1 limit 1000)`, [run * 7919]);
    });

    // Live answers with writes pending, against the views' answer, on each side.
    const live: BeforeResult['live'] = [];
    let pending = 0;
    for (const level of o.sizes.livePending.filter((n) => n > 0)) {
      for (const side of SIDES) await insertRecent(dbs[side].client, level - pending, 5000 + level, writes);
      pending = level;
      const bySide = {} as Record<Side, { live: Timing; mv: Timing; ratio: number }>;
      const t = await sideBySide(() => answer(dbs.before, 30, 'live'), () => answer(dbs.after, 30, 'live'), o.iterations);
      const m = await sideBySide(() => answer(dbs.before, 30, 'mv'), () => answer(dbs.after, 30, 'mv'), o.iterations);
      bySide.before = { live: t.before, mv: m.before, ratio: round(t.before.median / m.before.median, 2) };
      bySide.after = { live: t.after, mv: m.after, ratio: round(t.after.median / m.after.median, 2) };
      live.push({ pending: level, shape: '30 days, all campaigns', ...bySide });
      o.log(`live with ${level} pending: before ${t.before.median} ms (${bySide.before.ratio}x mv), after ${t.after.median} ms (${bySide.after.ratio}x mv)`);
    }
    for (const side of SIDES) await refresh(dbs[side]);

    const overhead = {} as BeforeResult['insert_overhead_pct'];
    for (const side of SIDES) {
      const t = await insertThroughput(dbs[side].client, writes, o.sizes);
      overhead[side] = { batch: t.batch.overhead_pct, single_row: t.single_row.overhead_pct };
    }
    o.log(`change tracking per single-row insert: before +${overhead.before.single_row} %, after +${overhead.after.single_row} %`);

    let fullRebuild: BeforeResult['full_rebuild_ms'] = null;
    if (o.fullRebuild) {
      const before = await refresh(dbs.before, true);
      const after = await refresh(dbs.after, true);
      fullRebuild = { before: round(before.ms, 1), after: round(after.ms, 1) };
      o.log(`full rebuild: before ${fullRebuild.before} ms, after ${fullRebuild.after} ms`);
    }

    // This schema only: a change of zone rebuilds that workspace alone.
    const { rows: [held] } = await dbs.after.client.query('select email_events from public.dashboard_workspace_state where workspace_id = $1', [target.workspace]);
    await dbs.after.client.query('select public.dashboard_set_time_zone($1, $2)', [target.workspace, 'Asia/Kolkata']);
    const zone = await refresh(dbs.after);
    o.log(`zone change of ${target.workspace} (${Number(held.email_events).toLocaleString('en-US')} events): ${round(zone.ms, 1)} ms`);

    return {
      events: seeded.events, llm_calls: seeded.llmCalls, before_migration: o.beforeMigration, schemas,
      seconds: { seed: seeded.seconds, first_refresh_before: round(firstRefresh / 1000, 1), migrate_after: round(migrateSeconds / 1000, 1) },
      target, reads, refreshes, live, insert_overhead_pct: overhead, full_rebuild_ms: fullRebuild,
      zone_change: { workspace: target.workspace, events: Number(held.email_events), refresh_ms: round(zone.ms, 1) },
    };
  } finally {
    for (const side of SIDES) await dbs[side]?.client.end().catch(() => {});
    await admin.end();
  }
}

/** Two calls alternately (each side first every other time), after a warm-up; medians and after/before. */
async function sideBySide(before: () => Promise<unknown>, after: () => Promise<unknown>, iterations: number) {
  const [b, a] = (await pairedSamples(before, after, iterations, { swapEachPair: true })).map(summarize) as [Timing, Timing];
  return { before: b, after: a, ratio: round(a.median / b.median, 3) };
}

/** The table printed at the end. */
export function printBefore(r: BeforeResult, print: (line: string) => void = console.log): void {
  const n = (x: number) => x.toLocaleString('en-US');
  print(`\nSide by side on the same ${n(r.events)} events: the schema before ${r.before_migration} (newest migration ${r.schemas.before}) and this build (${r.schemas.after}); medians, ms`);
  print('\n| read (SQL, as the app calls it) | before | after | after/before |\n| --- | ---: | ---: | ---: |');
  for (const x of r.reads) print(`| ${x.shape} | ${x.before.median} | ${x.after.median} | ${x.ratio} |`);
  print('\n| refresh after | before | after | after/before |\n| --- | ---: | ---: | ---: |');
  for (const x of r.refreshes) print(`| ${x.case} | ${x.before.median} | ${x.after.median} | ${x.ratio} |`);
  print('\n| live, 30 days | before: live / mv | after: live / mv |\n| --- | ---: | ---: |');
  for (const x of r.live) print(`| ${n(x.pending)} events pending | ${x.before.live.median} / ${x.before.mv.median} (${x.before.ratio}x) | ${x.after.live.median} / ${x.after.mv.median} (${x.after.ratio}x) |`);
  print(`\nChange tracking per insert: single-row +${r.insert_overhead_pct.before.single_row} % before, +${r.insert_overhead_pct.after.single_row} % after; 10,000-row statements +${r.insert_overhead_pct.before.batch} % before, +${r.insert_overhead_pct.after.batch} % after`);
  if (r.full_rebuild_ms) print(`Full rebuild: ${n(r.full_rebuild_ms.before)} ms before, ${n(r.full_rebuild_ms.after)} ms after`);
  print(`A change of zone (${r.zone_change.workspace}, ${n(r.zone_change.events)} events) rebuilt it in ${n(r.zone_change.refresh_ms)} ms`);
}
