// The benchmark's outputs: the spec's table with our figures beside its claims, a JSON file per
// run, and, for --scale, an SVG of latency against table size.
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../migrate';
import type { Pair, Target } from './measure';
import type { Timing } from './stats';
import { lineChartSvg } from './svg';

export interface SizeResult {
  events: number;
  llm_calls: number;
  seed_seconds: number;
  iterations: number;
  target: Target;
  refresh: { runs: number; total: Timing; per_view_median_ms: Record<string, number> };
  spec_sql: { range: { from: string; to: string }; before_ms: number; after_ms: number; ratio: number;
    before_buffers: { hit: number; read: number }; after_buffers: { hit: number; read: number } };
  shapes_sql: Record<'summary' | 'timeseries' | 'cost_breakdown', Pair>;
  api_in_process: Array<{ shape: string } & Pair>;
  api_http?: Array<{ shape: string } & Pair>;
  refresh_under_load: { reader_before: Timing; reader_during: Timing; refresh_ms: number };
  page_load?: { charts: Pair; numbers: Pair };
  load_average_after: number[];
}

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`);
const pair = (p: Pair) => [`${ms(p.raw.median)} (p95 ${ms(p.raw.p95)})`, `${ms(p.mv.median)} (p95 ${ms(p.mv.p95)})`, `${p.ratio}x`];

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function specTable(r: SizeResult): string {
  const api30 = r.api_in_process[0];
  const http30 = r.api_http?.[0];
  const rows: string[][] = [
    ['Summary Query', '~500-2000ms → ~50-100ms, 10-20x', ...pair(r.shapes_sql.summary)],
    ['Timeseries Query', '~300-1000ms → ~30-80ms, 10-15x', ...pair(r.shapes_sql.timeseries)],
    ['Cost Breakdown', '~200-800ms → ~20-60ms, 10-15x', ...pair(r.shapes_sql.cost_breakdown)],
  ];
  if (api30) rows.push(['API, whole dashboard (in-process)', 'API < 100 ms', ...pair(api30)]);
  if (http30) rows.push(['API, whole dashboard (HTTP)', 'API < 100 ms', ...pair(http30)]);
  if (r.page_load) {
    rows.push(['Page load: numbers on screen', '~1-3s → ~100-250ms, 10-30x', ...pair(r.page_load.numbers)]);
    rows.push(['Page load: all charts drawn', '~1-3s → ~100-250ms, 10-30x', ...pair(r.page_load.charts)]);
  }
  rows.push(['View refresh (all views)', '< 2 s', '', `${ms(r.refresh.total.median)}`, '']);
  rows.push(["Spec's Testing SQL (EXPLAIN ANALYZE)", '90-95 % less time', ms(r.spec_sql.before_ms), ms(r.spec_sql.after_ms), `${r.spec_sql.ratio}x`]);
  return table(['Metric', 'Spec claims', 'raw (median)', 'views (median)', 'raw/views'], rows);
}

export function printReport(results: SizeResult[]): void {
  for (const r of results) {
    console.log(`\n## ${r.events.toLocaleString('en-US')} events, ${r.llm_calls.toLocaleString('en-US')} LLM calls — workspace ${r.target.workspace}, last 30 days unless noted\n`);
    console.log(specTable(r));
    console.log('\nDashboard API, every query shape (raw vs views, interleaved):\n');
    const rows = r.api_in_process.map((a, i) => {
      const h = r.api_http?.[i];
      return [a.shape, ...pair(a), ...(h ? pair(h) : ['', '', ''])];
    });
    console.log(table(['shape', 'in-process raw', 'in-process views', 'ratio', 'HTTP raw', 'HTTP views', 'ratio'], rows));
    const u = r.refresh_under_load;
    console.log(`\nRefresh per view (median): ${Object.entries(r.refresh.per_view_median_ms).map(([v, t]) => `${v} ${ms(t)}`).join(', ')}`);
    console.log(`Readers during a ${ms(u.refresh_ms)} refresh: p99 ${ms(u.reader_during.p99)} (median ${ms(u.reader_during.median)}), before it p99 ${ms(u.reader_before.p99)} (median ${ms(u.reader_before.median)})`);
    console.log(`Spec SQL buffers: raw hit ${r.spec_sql.before_buffers.hit} read ${r.spec_sql.before_buffers.read}; views hit ${r.spec_sql.after_buffers.hit} read ${r.spec_sql.after_buffers.read}`);
  }
}

export function writeResults(results: SizeResult[], machine: Record<string, unknown>): string[] {
  const dir = path.join(PROJECT_ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const largest = results.at(-1)?.events ?? 0;
  const files: string[] = [];
  const json = path.join(dir, `${date}-${results.length > 1 ? 'scale' : largest}.json`);
  fs.writeFileSync(json, `${JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2)}\n`);
  files.push(path.relative(PROJECT_ROOT, json));
  if (results.length > 1) {
    const series = [
      { name: 'raw, API in-process', color: '#e5534b', points: results.map((r) => ({ x: r.events, y: r.api_in_process[0]?.raw.median ?? 0 })) },
      { name: 'views, API in-process', color: '#4f7cff', points: results.map((r) => ({ x: r.events, y: r.api_in_process[0]?.mv.median ?? 0 })) },
    ];
    if (results.every((r) => r.api_http)) {
      series.push(
        { name: 'raw, over HTTP', color: '#f0a09a', points: results.map((r) => ({ x: r.events, y: r.api_http?.[0]?.raw.median ?? 0 })) },
        { name: 'views, over HTTP', color: '#9db4ff', points: results.map((r) => ({ x: r.events, y: r.api_http?.[0]?.mv.median ?? 0 })) },
      );
    }
    const svg = lineChartSvg('Dashboard API, 30 days of the busiest workspace: median latency', 'email_events rows', 'milliseconds (log)', series);
    const file = path.join(dir, `${date}-scale.svg`);
    fs.writeFileSync(file, svg);
    files.push(path.relative(PROJECT_ROOT, file));
  }
  return files;
}
