// The benchmark's core on a tiny dataset: every section runs on both paths, raw and views agree,
// and the results file comes out in the one format (the figures themselves come from npm run bench).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../scripts/lib/demo-data';
import { aimsReport, printReport, scaleSvg, specTable } from '../../scripts/lib/bench/report';
import { resultsFileSchema, writeResults, type ResultsFile } from '../../scripts/lib/bench/results';
import { loadAverage, measureSize } from '../../scripts/lib/bench/sections';
import { round, summarize } from '../../scripts/lib/bench/stats';
import { connect, databaseUrl, refreshViewsNow, uniqueWorkspace } from '../support/db';

let client: pg.Client;
const prefix = `${uniqueWorkspace('bench')}-`;
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));

beforeAll(async () => {
  client = await connect();
});
afterAll(async () => {
  await client.query('delete from email_events where starts_with(workspace_id, $1)', [prefix]);
  await client.query('delete from llm_usage where starts_with(workspace_id, $1)', [prefix]);
  await refreshViewsNow(client);
  await client.end();
  fs.rmSync(outDir, { recursive: true, force: true });
});

describe('npm run bench, core on 5k events', () => {
  it('computes medians and percentiles', () => {
    expect(summarize([5, 1, 3, 2, 4])).toMatchObject({ n: 5, median: 3, p95: 5, p99: 5, min: 1 });
    expect(summarize([1, 2, 3, 4]).median).toBe(2.5);
  });

  it('measures every section on both paths and writes the results file', async () => {
    const seeded = await seedDemoData(client, { events: 5_000, seed: 7, days: 365, workspacePrefix: prefix });
    const result = await measureSize({
      url: databaseUrl(), client, iterations: 3, workspacePrefix: prefix, refreshRuns: 1, readersBeforeSeconds: 0.5, quiet: true,
      incrementalRuns: 1, alertRules: 40, writeSizes: { batch: 300, backfill: 100, throughputBatch: 200, throughputSingles: 20, livePending: [0, 300] },
      seeded: { events: seeded.events, llmCalls: seeded.llmCalls, seconds: 0 },
    });
    expect(result.target.workspace.startsWith(prefix)).toBe(true);
    expect(result.spec_sql.before_ms).toBeGreaterThan(0);
    expect(result.spec_sql.after_ms).toBeGreaterThan(0);
    expect(result.api_in_process).toHaveLength(5);
    for (const pair of [...Object.values(result.shapes_sql), ...result.api_in_process]) {
      expect(pair.raw.n).toBe(3);
      expect(pair.mv.n).toBe(3);
      // The ratio is raw over views, of the medians measured (not a constant, not inverted).
      expect(pair.raw.median).toBeGreaterThan(0);
      expect(pair.mv.median).toBeGreaterThan(0);
      expect(pair.ratio).toBe(round(pair.raw.median / pair.mv.median, 1));
      expect(pair.same_answer).toBe(true);
    }
    expect(Object.keys(result.refresh.per_view_median_ms)).toEqual(['mv_daily_stats', 'mv_daily_contacts', 'mv_llm_cost']);
    expect(result.refresh_under_load.reader_during.n).toBeGreaterThan(0);
    // Incremental refresh: nothing to do touches nothing; a batch today and a back-fill recompute
    // their buckets only; live answers equal raw at every level of pending writes.
    const incremental = result.incremental;
    expect(incremental?.nothing_changed).toMatchObject({ runs: 10, buckets: 0, rows_changed_median: 0 });
    expect(incremental?.batch_10k_today.buckets).toBeGreaterThan(0);
    expect(incremental?.batch_10k_today.rows_changed_median).toBeGreaterThan(0);
    // (On 5k events a 10k batch is larger than what the views hold: the refresh rebuilds that workspace.)
    expect(incremental?.backfill_1k_30_days.buckets).toBeGreaterThan(0);
    expect(incremental?.insert_throughput.batch).toMatchObject({ rows: 200, rows_per_statement: 200 });
    expect(incremental?.insert_throughput.single_row).toMatchObject({ rows: 20, rows_per_statement: 1 });
    expect(result.live?.levels.map((l) => [l.pending, l.same_answer])).toEqual([[0, true], [0, true], [300, true], [300, true]]);
    expect(result.live?.refresh_after_pending).toMatchObject({ pending: 300 });
    // Alert evaluation after a refresh: the rules were made, evaluated, some fired, and removed again.
    expect(result.alerts).toMatchObject({ rules: 40, steady: { n: 10 } });
    expect(result.alerts?.fired_first).toBeGreaterThan(0);
    expect((await client.query('select count(*)::int as n from alert_rules where starts_with(workspace_id, $1)', [prefix])).rows[0].n).toBe(0);

    const file: ResultsFile = {
      date: '2025-12-09T10:00:00.000Z', command: 'vitest', database: 'embedded',
      machine: { cpu: 'test', cores: 1, memory_gib: 1, node: process.version, postgres: '17', os: 'test', load_average_start: loadAverage(), load_average_end: loadAverage() },
      results: [result, { ...result, events: result.events * 10 }],
    };
    const written = writeResults(file, { dir: outDir, svg: scaleSvg(file.results) });
    expect(written.map((f) => path.basename(f))).toEqual(['2025-12-09-scale.json', '2025-12-09-scale.svg']);
    const back = resultsFileSchema.parse(JSON.parse(fs.readFileSync(written[0] ?? '', 'utf8')));
    expect(back.results[0]?.shapes_sql.summary.mv.median).toBe(result.shapes_sql.summary.mv.median);
    expect(fs.readFileSync(written[1] ?? '', 'utf8')).toMatch(/^<svg[\s\S]*<path d="M[\d.]+,[\d.]+ L[\d.]+,[\d.]+"[\s\S]*<\/svg>$/);

    const single = writeResults({ ...file, results: [result] }, { dir: outDir });
    expect(single.map((f) => path.basename(f))).toEqual([`2025-12-09-${result.events}.json`]);

    const printed = specTable(result);
    for (const row of ['Summary Query', 'Timeseries Query', 'Cost Breakdown', 'View refresh', 'Testing SQL']) expect(printed).toContain(row);
    const lines: string[] = [];
    printReport(file, (line) => lines.push(line));
    expect(lines.join('\n')).toContain('readers during');
    expect(lines.join('\n')).toContain('Alert evaluation after a refresh, 40 rules');
    expect(aimsReport(file.results).some((a) => a.startsWith('views flat'))).toBe(true);
  });
});
