// npm run bench -- --citus: the same rows on one Postgres and on a Citus cluster, measured in one run:
// the full rebuild, the cluster's dashboard answers against the single node's, incremental refreshes
// and insert throughput with change tracking (each section on the single node, then on the cluster),
// and dashboard reads (mv, live with writes pending, raw), sample by sample on one then the other.
import type pg from 'pg';
import { OPEN_READER, readDashboard } from '../../../lib/dashboard/read';
import { DASHBOARD_SOURCES } from '../../../lib/dashboard/response';
import { createPostgresStore } from '../../../lib/db/postgres';
import { DEFAULT_WRITE_SIZES, incrementalSection, liveSections, writeOptionsFor, type WriteSizes } from './incremental';
import { answerFigures, API_SHAPES, pickTarget, queryFor, refreshTimes, type Target } from './measure';
import { ms, table } from './report';
import type { CitusResultsFile, ClusterComparison, SideResult } from './results';
import { loadAverage, sectionBar } from './sections';
import type { Seeded } from './seed';
import { round } from './stats';

export const CLUSTER_NOTE = 'A coordinator and two workers sharing the cores of one machine (2 here) show correctness and '
  + 'overhead (the coordinator hop, intermediate results), not speed: a cluster buys speed with more machines.';

export interface BenchSide { url: string; client: pg.ClientBase }
const SIDES = ['single', 'citus'] as const;
type SideName = (typeof SIDES)[number];

export interface SideBySideOptions {
  sides: Record<SideName, BenchSide>;
  seeded: Seeded;
  copySeconds: number;
  iterations: number;
  /** Limit the target workspace and the new events to ids with this prefix (tests sharing a database). */
  workspacePrefix?: string;
  refreshRuns?: number;
  incrementalRuns?: number;
  writeSizes?: WriteSizes;
  quiet?: boolean;
}

export async function measureSideBySide(o: SideBySideOptions): Promise<ClusterComparison> {
  const loadBefore = loadAverage();
  const bar = (side: SideName, label: string, total: number) => sectionBar(`${side}: ${label}`, total, o.quiet);
  const sizes = o.writeSizes ?? DEFAULT_WRITE_SIZES;
  const writes = { ...writeOptionsFor(o.seeded.events, o.workspacePrefix), sizes };

  // The copied rows are all pending on both: the first full rebuild brings the views up to date.
  const runs = o.refreshRuns ?? (o.seeded.events > 3_000_000 ? 1 : 2);
  const refresh = await eachSide(o.sides, async (side, { url }) => {
    const b = bar(side, 'full rebuild', runs);
    const result = await refreshTimes(url, runs, b.step);
    b.finish();
    return result;
  });

  // Same rows, same views: every dashboard answer of the cluster must equal the single node's.
  const target = await pickTarget(o.sides.single.client, o.workspacePrefix);
  const answers = await compareAnswers(o.sides.single.url, o.sides.citus.url, target);

  const incrementalRuns = o.incrementalRuns ?? 3;
  const incremental = await eachSide(o.sides, async (side, { url, client }) => {
    const b = bar(side, 'incremental', 10 + 2 * incrementalRuns);
    const result = await incrementalSection(url, client, { ...writes, runs: incrementalRuns, step: b.step });
    b.finish();
    return result;
  });

  // Reads are short and the machine is shared: sample by sample, one side then the other.
  const liveBar = sectionBar('both: live, mv, raw', sizes.livePending.length * 2 * o.iterations, o.quiet);
  const [liveSingle, liveCitus] = await liveSections([o.sides.single, o.sides.citus], target, { ...writes, iterations: o.iterations, step: liveBar.step });
  liveBar.finish();
  if (!liveSingle || !liveCitus) throw new Error('no live result');
  const live = { single: liveSingle, citus: liveCitus };

  const side = (name: SideName): SideResult => ({ refresh: refresh[name], incremental: incremental[name], live: live[name] });
  return {
    events: o.seeded.events, llm_calls: o.seeded.llmCalls, seed_seconds: o.seeded.seconds, copy_seconds: o.copySeconds,
    iterations: o.iterations, write_sizes: sizes, target, answers, single: side('single'), citus: side('citus'),
    load_average_before: loadBefore, load_average_after: loadAverage(),
  };
}

/** Runs a section on the single node, then on the cluster. */
async function eachSide<T>(sides: Record<SideName, BenchSide>, fn: (side: SideName, db: BenchSide) => Promise<T>): Promise<Record<SideName, T>> {
  const out = {} as Record<SideName, T>;
  for (const name of SIDES) out[name] = await fn(name, sides[name]);
  return out;
}

/** Every API shape from every source, on both; the figures (not the source and freshness) must be equal. */
async function compareAnswers(singleUrl: string, citusUrl: string, target: Target): Promise<ClusterComparison['answers']> {
  const stores = [createPostgresStore({ connectionString: singleUrl, max: 1 }), createPostgresStore({ connectionString: citusUrl, max: 1 })];
  try {
    const differing: string[] = [];
    let compared = 0;
    for (const shape of API_SHAPES) {
      for (const source of DASHBOARD_SOURCES) {
        const figures = await Promise.all(stores.map(async (store) => {
          return answerFigures(await readDashboard(store, OPEN_READER, queryFor(target, shape, source)));
        }));
        compared += 1;
        if (figures[0] !== figures[1]) differing.push(`${shape.name}, ${source}`);
      }
    }
    return { compared, equal: compared - differing.length, differing };
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
}

/** The side-by-side table and what it can say. */
export function printSideBySide(file: CitusResultsFile, print: (line: string) => void = console.log): void {
  print(`\nCitus ${file.cluster.citus} on PostgreSQL ${file.cluster.postgres}: a coordinator and ${file.cluster.workers} workers (${file.cluster.database}); single node: PostgreSQL ${file.single.postgres} (${file.single.database})`);
  print(`NOTE: ${file.note}`);
  for (const r of file.results) {
    print(`\n## ${r.events.toLocaleString('en-US')} events, ${r.llm_calls.toLocaleString('en-US')} LLM calls, the same rows on both; workspace ${r.target.workspace}; medians of ${r.iterations} (reads) and of the runs shown`);
    print(`   load average before ${r.load_average_before.join(', ')}, after ${r.load_average_after.join(', ')}\n`);
    print(table(['measured', 'single node', 'Citus', 'Citus ÷ single'], sideBySideRows(r)));
    const liveEqual = (s: SideResult) => s.live.levels.every((l) => l.same_answer);
    print(`\nCorrectness: the cluster's dashboard answers equal the single node's in ${r.answers.equal} of ${r.answers.compared} (every API shape from mv, live and raw)${r.answers.differing.length ? `; DIFFERENT: ${r.answers.differing.join('; ')}` : ''}; live equals raw at every level of pending writes: single ${liveEqual(r.single) ? 'yes' : 'NO'}, Citus ${liveEqual(r.citus) ? 'yes' : 'NO'}`);
    print(`Seeding ${r.seed_seconds} s on the single node; copying its rows onto the cluster through the coordinator ${r.copy_seconds} s`);
  }
}

function sideBySideRows(r: ClusterComparison): string[][] {
  const rows: string[][] = [];
  const time = (label: string, pick: (s: SideResult) => number | undefined) => {
    const [a, b] = [pick(r.single), pick(r.citus)];
    if (a !== undefined && b !== undefined) rows.push([label, ms(a), ms(b), `${round(b / a, 2)}x`]);
  };
  const rate = (label: string, pick: (s: SideResult) => number) => {
    const [a, b] = [pick(r.single), pick(r.citus)];
    rows.push([label, `${a.toLocaleString('en-US')} rows/s`, `${b.toLocaleString('en-US')} rows/s`, `${round(b / a, 2)}x`]);
  };
  const level = (s: SideResult, pending: number, shape: string) => s.live.levels.find((l) => l.pending === pending && l.shape === shape);
  const pendingLevels = r.single.live.levels.map((l) => l.pending).filter((p, i, all) => all.indexOf(p) === i);
  for (const shape of [API_SHAPES[0], API_SHAPES[2]]) {
    if (!shape) continue;
    const days = `dashboard ${shape.days} days`;
    time(`${days}, mv`, (s) => level(s, 0, shape.name)?.mv.median);
    for (const pending of pendingLevels) {
      time(`${days}, live, ${pending ? `${pending.toLocaleString('en-US')} events pending` : 'nothing pending'}`, (s) => level(s, pending, shape.name)?.live.median);
    }
    time(`${days}, raw`, (s) => level(s, 0, shape.name)?.raw.median);
  }
  time('refresh, nothing changed', (s) => s.incremental.nothing_changed.total.median);
  const n = (count: number) => count.toLocaleString('en-US');
  time(`refresh after ${n(r.write_sizes.batch)} new events today`, (s) => s.incremental.batch_10k_today.total.median);
  time(`refresh after ${n(r.write_sizes.backfill)} late events in 30 old days`, (s) => s.incremental.backfill_1k_30_days.total.median);
  time(`refresh of the ${r.single.live.refresh_after_pending.pending.toLocaleString('en-US')} events left pending`, (s) => s.live.refresh_after_pending.ms);
  time('full rebuild', (s) => s.refresh.total.median);
  const t = (s: SideResult) => s.incremental.insert_throughput;
  rate(`inserts with change tracking, ${t(r.single).batch.rows.toLocaleString('en-US')}-row statements`, (s) => t(s).batch.with_triggers_rows_per_s);
  rate('inserts with change tracking, single-row statements', (s) => t(s).single_row.with_triggers_rows_per_s);
  rows.push(['change-tracking overhead (batch; single-row)', `${t(r.single).batch.overhead_pct} %; ${t(r.single).single_row.overhead_pct} %`,
    `${t(r.citus).batch.overhead_pct} %; ${t(r.citus).single_row.overhead_pct} %`, '']);
  return rows;
}
