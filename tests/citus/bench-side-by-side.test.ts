// npm run bench -- --citus, end to end on 2,000 events: demo rows seeded into a throwaway single
// Postgres and copied onto this suite's Citus coordinator, every section measured on both, the
// cluster's dashboard answers equal to the single node's, and the results file in its one format.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterVersions, copyRawRows } from '../../scripts/lib/bench/cluster';
import { citusResultsFileSchema, writeCitusResults, type CitusResultsFile } from '../../scripts/lib/bench/results';
import { CLUSTER_NOTE, measureSideBySide, printSideBySide } from '../../scripts/lib/bench/side-by-side';
import { loadAverage } from '../../scripts/lib/bench/sections';
import { seedDemoData } from '../../scripts/lib/demo-data';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../scripts/lib/embedded-postgres';
import { applyMigrations, PROJECT_ROOT } from '../../scripts/lib/migrate';
import { connect, databaseUrl, refreshViewsNow, uniqueWorkspace } from '../support/db';

const run = promisify(execFile);
const prefix = `${uniqueWorkspace('bench')}-`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-single-'));
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-citus-'));
let single: EmbeddedDatabase;
let singleClient: pg.Client;
let coordinator: pg.Client;

beforeAll(async () => {
  single = await startEmbeddedPostgres({ dataDir, persistent: false, database: 'bench_single' });
  await applyMigrations(single.url);
  singleClient = new pg.Client({ connectionString: single.url });
  await singleClient.connect();
  coordinator = await connect();
});
afterAll(async () => {
  await coordinator.query('delete from email_events where starts_with(workspace_id, $1)', [prefix]);
  await coordinator.query('delete from llm_usage where starts_with(workspace_id, $1)', [prefix]);
  await refreshViewsNow(coordinator);
  await coordinator.end();
  await singleClient?.end();
  await single?.stop();
  for (const dir of [dataDir, outDir]) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run bench -- --citus', () => {
  it('documents the flag and refuses what it cannot measure', async () => {
    const bench = (...args: string[]) => run(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/bench.ts', ...args], { cwd: PROJECT_ROOT });
    expect((await bench('--help')).stdout).toMatch(/--citus\s+the same rows on one Postgres and on a Citus cluster/);
    const refused = await bench('--citus', '--scale', '1000,2000').catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('--citus measures one size') });
  });

  it('measures the same rows on one Postgres and on the cluster, side by side, and the answers agree', async () => {
    const seeded = await seedDemoData(singleClient, { events: 2_000, seed: 7, days: 365, workspacePrefix: prefix });
    expect(await copyRawRows(singleClient, coordinator, prefix, () => {})).toEqual({ events: seeded.events, llmCalls: seeded.llmCalls });
    // A second copy would double the rows: refused.
    await expect(copyRawRows(singleClient, coordinator, prefix, () => {})).rejects.toThrow(/already holds benchmark rows/);

    const result = await measureSideBySide({
      sides: { single: { url: single.url, client: singleClient }, citus: { url: databaseUrl(), client: coordinator } },
      seeded: { events: seeded.events, llmCalls: seeded.llmCalls, seconds: 0 }, copySeconds: 0, iterations: 3,
      workspacePrefix: prefix, refreshRuns: 1, incrementalRuns: 1, quiet: true,
      writeSizes: { batch: 200, backfill: 50, throughputBatch: 100, throughputSingles: 10, livePending: [0, 200] },
    });
    expect(result.target.workspace.startsWith(prefix)).toBe(true);
    // Same rows, same views: every API shape from mv, live and raw answers alike on both.
    expect(result.answers).toEqual({ compared: 15, equal: 15, differing: [] });
    for (const side of [result.single, result.citus]) {
      expect(side.refresh.runs).toBe(1);
      expect(side.refresh.total.median).toBeGreaterThan(0);
      expect(side.incremental.nothing_changed).toMatchObject({ runs: 10, buckets: 0, rows_changed_median: 0 });
      expect(side.incremental.batch_10k_today.buckets).toBeGreaterThan(0);
      // Back-filled rows land on many days (here each batch is large for the small workspaces, so
      // the batch of today may rebuild them whole: its bucket count is not smaller).
      expect(side.incremental.backfill_1k_30_days.buckets).toBeGreaterThan(10);
      expect(side.incremental.insert_throughput.batch).toMatchObject({ rows: 100, rows_per_statement: 100 });
      expect(side.incremental.insert_throughput.single_row.with_triggers_rows_per_s).toBeGreaterThan(0);
      expect(side.live.levels.map((l) => [l.pending, l.shape, l.same_answer])).toEqual([
        [0, '30 days, all campaigns', true], [0, '365 days, all campaigns', true],
        [200, '30 days, all campaigns', true], [200, '365 days, all campaigns', true]]);
      expect(side.live.refresh_after_pending).toMatchObject({ pending: 200 });
    }

    const file: CitusResultsFile = {
      date: '2025-12-09T10:00:00.000Z', command: 'vitest', note: CLUSTER_NOTE,
      single: { database: 'embedded', postgres: '17' },
      cluster: { database: 'CITUS_DATABASE_URL', ...(await clusterVersions(coordinator)) },
      machine: { cpu: 'test', cores: 1, memory_gib: 1, node: process.version, postgres: '17', os: 'test', load_average_start: loadAverage(), load_average_end: loadAverage() },
      results: [result],
    };
    expect(file.cluster.workers).toBeGreaterThanOrEqual(1);
    const written = writeCitusResults(file, { dir: outDir });
    expect(written.map((f) => path.basename(f))).toEqual([`2025-12-09-citus-${seeded.events}.json`]);
    const back = citusResultsFileSchema.parse(JSON.parse(fs.readFileSync(written[0] ?? '', 'utf8')));
    expect(back.results[0]?.citus.refresh.total.median).toBe(result.citus.refresh.total.median);

    const lines: string[] = [];
    printSideBySide(file, (line) => lines.push(line));
    const printed = lines.join('\n');
    expect(printed).toContain('not speed');
    expect(printed).toMatch(/\| dashboard 30 days, live, 200 events pending +\| [\d.]+ m?s +\| [\d.]+ m?s +\| [\d.]+x +\|/);
    expect(printed).toContain('15 of 15');
  });
});
