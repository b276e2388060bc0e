// The benchmark's own parts on a tiny dataset: they run, they measure both paths, and the report
// and chart come out well-formed. (The figures themselves come from `npm run bench`.)
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiInProcess, pickTarget, refreshTimes, refreshUnderLoad, shapeQueries, specSql } from '../../scripts/lib/bench/measure';
import { specTable, type SizeResult } from '../../scripts/lib/bench/report';
import { summarize } from '../../scripts/lib/bench/stats';
import { lineChartSvg } from '../../scripts/lib/bench/svg';
import { connect, databaseUrl, insertEvents, insertLlmUsage, refreshViewsNow, uniqueWorkspace } from '../support/db';

let client: pg.Client;

beforeAll(async () => {
  client = await connect();
  const ws = uniqueWorkspace('bench');
  const today = new Date().toISOString().slice(0, 10);
  await insertEvents(client, Array.from({ length: 400 }, (_, i) => ({
    workspace_id: ws, campaign_name: `C${i % 3}`, contact_email: `p${i % 50}@x`, event_type: i % 4 ? 'sent' : 'opened',
    email_number: 1 + (i % 6), event_ts: `${today}T0${i % 10}:00:00Z`,
  })));
  await insertLlmUsage(client, [{ workspace_id: ws, campaign_name: null, created_at: `${today}T01:00:00Z` }]);
  await refreshViewsNow(client);
});
afterAll(async () => {
  await client.end();
});

describe('benchmark harness', () => {
  it('computes medians and percentiles', () => {
    expect(summarize([5, 1, 3, 2, 4])).toMatchObject({ n: 5, median: 3, p95: 5, min: 1 });
    expect(summarize([1, 2, 3, 4]).median).toBe(2.5);
  });

  it('measures every section on both paths and prints the spec table', async () => {
    const target = await pickTarget(client);
    const spec = await specSql(client, target.today);
    expect(spec.before_ms).toBeGreaterThan(0);
    expect(spec.after_ms).toBeGreaterThan(0);
    const shapes = await shapeQueries(client, target, 3, () => {});
    const api = await apiInProcess(databaseUrl(), target, 3, () => {});
    expect(api).toHaveLength(5);
    for (const pair of [...Object.values(shapes), ...api]) {
      expect(pair.raw.n).toBe(3);
      expect(pair.mv.n).toBe(3);
      expect(pair.ratio).toBeGreaterThan(0);
    }
    const refresh = await refreshTimes(databaseUrl(), 1, () => {});
    expect(Object.keys(refresh.per_view_median_ms)).toEqual(['mv_daily_stats', 'mv_daily_contacts', 'mv_llm_cost']);
    const underLoad = await refreshUnderLoad(databaseUrl(), target);
    expect(underLoad.reader_during.n).toBeGreaterThanOrEqual(20);
    const result: SizeResult = {
      events: 400, llm_calls: 1, seed_seconds: 0, iterations: 3, target, refresh, spec_sql: spec, shapes_sql: shapes,
      api_in_process: api, refresh_under_load: underLoad, load_average_after: [0, 0, 0],
    };
    const printed = specTable(result);
    for (const row of ['Summary Query', 'Timeseries Query', 'Cost Breakdown', 'View refresh', 'Testing SQL']) expect(printed).toContain(row);
  });

  it('draws latency against size as an SVG', () => {
    const svg = lineChartSvg('t', 'x', 'y', [{ name: 'raw', color: '#f00', points: [{ x: 1e5, y: 50 }, { x: 1e6, y: 500 }] }]);
    expect(svg).toMatch(/^<svg[\s\S]*<path d="M[\d.]+,[\d.]+ L[\d.]+,[\d.]+"[\s\S]*<\/svg>$/);
  });
});
