// What a person reads: the spec's table with our figures beside its claims and a verdict per row,
// the per-shape API table, the refresh figures, the issue's aims across sizes, and the scale chart.
import type { ResultsFile, SizeResult } from './results';
import { alertsLine } from './alerts';
import { lineChartSvg, type Series } from './svg';

export type { SizeResult } from './results';
type Pair = SizeResult['api_in_process'][number];
type TimingPair = Pick<Pair, 'raw' | 'mv' | 'ratio'>;

/** The spec's performance table, as data: before/after in ms, improvement as a ratio range. */
export const SPEC_CLAIMS = {
  summary: { label: 'Summary Query', before: [500, 2000], after: [50, 100], ratio: [10, 20] },
  timeseries: { label: 'Timeseries Query', before: [300, 1000], after: [30, 80], ratio: [10, 15] },
  cost_breakdown: { label: 'Cost Breakdown', before: [200, 800], after: [20, 60], ratio: [10, 15] },
  page: { label: 'Total Page Load', before: [1000, 3000], after: [100, 250], ratio: [10, 30] },
} as const;
export const SPEC_REFRESH_MS = 2000;
export const SPEC_API_MS = 100;

export const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`);
const claim = (c: { before: readonly number[]; after: readonly number[]; ratio: readonly number[] }) =>
  `${c.before[0]}-${c.before[1]} ms → ${c.after[0]}-${c.after[1]} ms, ${c.ratio[0]}-${c.ratio[1]}x`;
const cells = (p: TimingPair) => [`${ms(p.raw.median)} (p95 ${ms(p.raw.p95)})`, `${ms(p.mv.median)} (p95 ${ms(p.mv.p95)})`, `${p.ratio}x`];

/** "meets" when the views are within the spec's "after" time and the ratio reaches its lowest claim. */
function verdict(p: TimingPair, c: { after: readonly number[]; ratio: readonly number[] }): string {
  const time = p.mv.median <= (c.after[1] ?? 0);
  const ratio = p.ratio >= (c.ratio[0] ?? 0);
  if (time && ratio) return 'meets';
  return [time ? 'time meets' : `time misses (> ${c.after[1]} ms)`, ratio ? 'ratio meets' : `ratio misses (< ${c.ratio[0]}x)`].join('; ');
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (row: string[]) => `| ${header.map((_, i) => (row[i] ?? '').padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function specTable(r: SizeResult): string {
  const rows: string[][] = [];
  for (const key of ['summary', 'timeseries', 'cost_breakdown'] as const) {
    const p = r.shapes_sql[key];
    rows.push([SPEC_CLAIMS[key].label, claim(SPEC_CLAIMS[key]), ...cells(p), verdict(p, SPEC_CLAIMS[key])]);
  }
  if (r.page_load) {
    rows.push([`${SPEC_CLAIMS.page.label}: all charts drawn`, claim(SPEC_CLAIMS.page), ...cells(r.page_load.charts), verdict(r.page_load.charts, SPEC_CLAIMS.page)]);
    rows.push([`${SPEC_CLAIMS.page.label}: numbers on screen`, claim(SPEC_CLAIMS.page), ...cells(r.page_load.numbers), verdict(r.page_load.numbers, SPEC_CLAIMS.page)]);
  }
  const apiRow = (label: string, p: TimingPair | undefined) => {
    if (p) rows.push([label, `< ${SPEC_API_MS} ms`, ...cells(p), p.mv.median < SPEC_API_MS ? 'meets' : 'misses']);
  };
  apiRow('API, whole dashboard, 30 days (in-process)', r.api_in_process[0]);
  apiRow('API, whole dashboard, 30 days (HTTP)', r.api_http?.[0]);
  apiRow('API, whole dashboard, 365 days (HTTP)', r.api_http?.[2]);
  const batch = r.incremental?.batch_10k_today.total.median;
  if (batch !== undefined) {
    rows.push(['View refresh after 10,000 new events (incremental)', `< ${SPEC_REFRESH_MS / 1000} s`, '', ms(batch), '',
      batch < SPEC_REFRESH_MS ? 'meets' : 'misses']);
  }
  rows.push(['View refresh, full rebuild (repair)', `< ${SPEC_REFRESH_MS / 1000} s`, '', ms(r.refresh.total.median), '',
    r.refresh.total.median < SPEC_REFRESH_MS ? 'meets' : 'misses']);
  const s = r.spec_sql;
  rows.push(["Spec's Testing SQL (EXPLAIN ANALYZE)", '90-95 % less time', ms(s.before_ms), ms(s.after_ms), `${s.ratio}x`,
    1 - s.after_ms / s.before_ms >= 0.9 ? `meets (${Math.round((1 - s.after_ms / s.before_ms) * 100)} % less)` : `misses (${Math.round((1 - s.after_ms / s.before_ms) * 100)} % less)`]);
  return table(['Metric', "Spec's claim", 'raw (median)', 'views (median)', 'raw/views', 'verdict'], rows);
}

export function printReport(file: ResultsFile, print: (line: string) => void = console.log): void {
  for (const r of file.results) {
    print(`\n## ${r.events.toLocaleString('en-US')} events, ${r.llm_calls.toLocaleString('en-US')} LLM calls; workspace ${r.target.workspace}, last 30 days unless noted; ${r.iterations} interleaved pairs`);
    print(`   load average before ${r.load_average_before.join(', ')}, after ${r.load_average_after.join(', ')}\n`);
    print(specTable(r));
    print('\nDashboard API, whole answer per range and scope (raw vs views, interleaved):\n');
    print(table(['shape', 'in-process raw', 'in-process views', 'ratio', 'views alone', 'same answer', 'HTTP raw', 'HTTP views', 'ratio'],
      r.api_in_process.map((a, i) => {
        const h = r.api_http?.[i];
        const httpCells = h ? cells(h) : ['', '', ''];
        if (h?.raw_timeouts) httpCells[0] = `${httpCells[0]}, ${h.raw_timeouts} of ${h.raw.n + 2} hit the 10 s limit`;
        const processCells = cells(a);
        if (a.raw_timeouts) processCells[0] = `${processCells[0]}, ${a.raw_timeouts} of ${a.raw.n + 3} hit the 10 s limit`;
        return [a.shape, ...processCells, ms(a.mv_alone.median), a.same_answer ? 'yes' : 'NO', ...httpCells];
      })));
    print(`Views alone (back to back, nothing evicting their pages), SQL shapes: ${Object.entries(r.shapes_sql).map(([k, p]) => `${k} ${ms(p.mv_alone.median)}`).join(', ')}`);
    const mismatched = Object.entries(r.shapes_sql).filter(([, p]) => !p.same_answer).map(([k]) => k);
    if (mismatched.length) print(`\nWARNING: raw and views disagree on ${mismatched.join(', ')}`);
    const u = r.refresh_under_load;
    print(`\nRefresh, full rebuild (median of ${r.refresh.runs}): ${ms(r.refresh.total.median)}; per view ${Object.entries(r.refresh.per_view_median_ms).map(([v, t]) => `${v} ${ms(t)}`).join(', ')}`);
    if (r.incremental) print(incrementalLines(r.incremental));
    if (r.live) {
      print('\nLive against mv and raw (in-process, interleaved; live must equal raw):\n');
      print(table(['pending new events', 'shape', 'live', 'mv', 'raw', 'live/mv', 'raw/live', 'live = raw'],
        r.live.levels.map((l) => [l.pending.toLocaleString('en-US'), l.shape, ms(l.live.median), ms(l.mv.median), ms(l.raw.median),
          `${l.live_over_mv}x`, `${l.raw_over_live}x${l.raw_timeouts ? ` (${l.raw_timeouts} raw reads hit the 10 s limit)` : ''}`, l.same_answer ? 'yes' : 'NO'])));
      const d = r.live.refresh_after_pending;
      print(`Refresh of the ${d.pending.toLocaleString('en-US')} pending events afterwards: ${ms(d.ms)} (${d.buckets} buckets, ${d.rows_changed} rows changed)`);
    }
    if (r.alerts) print(alertsLine(r.alerts, ms));
    print(`${u.readers} readers during a ${ms(u.refresh_ms)} refresh: p99 ${ms(u.reader_during.p99)} (median ${ms(u.reader_during.median)}, n ${u.reader_during.n}); before it p99 ${ms(u.reader_before.p99)} (median ${ms(u.reader_before.median)}, n ${u.reader_before.n})`);
    if (r.page_load) {
      const phase = (p: { first_byte: number; html_done: number; dom_content_loaded: number }) =>
        `first byte ${ms(p.first_byte)}, HTML done ${ms(p.html_done)}, DOMContentLoaded ${ms(p.dom_content_loaded)}`;
      print(`Page load (${r.page_load.loads} loads each, interleaved), browser timing medians: views ${phase(r.page_load.phases.mv)}; raw ${phase(r.page_load.phases.raw)}`);
    }
    const s = r.spec_sql;
    print(`Spec SQL ${s.range.from}..${s.range.to}: shared buffers raw hit ${s.before_buffers.hit} read ${s.before_buffers.read}; views hit ${s.after_buffers.hit} read ${s.after_buffers.read}`);
  }
  const aims = aimsReport(file.results);
  if (aims.length) print(`\nAims (issue 6):\n${aims.map((a) => `- ${a}`).join('\n')}`);
}

/** The issue's aims, checked on whatever sizes were measured. */
export function aimsReport(results: SizeResult[]): string[] {
  const out: string[] = [];
  const smallest = results[0];
  const largest = results.at(-1);
  if (smallest && largest && largest.events > smallest.events) {
    for (const [i, shape] of largest.api_in_process.entries()) {
      const small = smallest.api_in_process[i];
      if (!small) continue;
      for (const [label, a, b] of [['interleaved', small.mv.median, shape.mv.median], ['alone', small.mv_alone.median, shape.mv_alone.median]] as const) {
        const growth = b / a;
        out.push(`views flat (${label}), ${shape.shape}: ${ms(a)} at ${smallest.events.toLocaleString('en-US')} → ${ms(b)} at ${largest.events.toLocaleString('en-US')} (${growth.toFixed(1)}x; aim ≤ 2x: ${growth <= 2 ? 'meets' : 'misses'})`);
      }
    }
  }
  const tenM = results.find((r) => r.events >= 10_000_000);
  if (tenM) {
    for (const [name, p] of [...Object.entries(tenM.shapes_sql), ...tenM.api_in_process.map((a) => [`API ${a.shape}`, a] as const)]) {
      out.push(`ratio at ${tenM.events.toLocaleString('en-US')}, ${name}: ${p.ratio}x (aim ≥ 50x: ${p.ratio >= 50 ? 'meets' : 'misses'})`);
    }
  }
  for (const r of results.filter((x) => x.events >= 1_000_000 && x.incremental)) {
    const i = r.incremental;
    if (!i) continue;
    const at = r.events.toLocaleString('en-US');
    const aim = (label: string, value: number, limit: number, unit = 'ms') =>
      out.push(`${label} at ${at}: ${unit === 'ms' ? ms(value) : `${value} ${unit}`} (aim ≤ ${limit} ${unit}: ${value <= limit ? 'meets' : 'misses'})`);
    aim('incremental refresh after 10,000 new events', i.batch_10k_today.total.median, 100);
    aim('incremental refresh with nothing changed', i.nothing_changed.total.median, 10);
    aim('insert overhead of change tracking, 10,000-row statements', i.insert_throughput.batch.overhead_pct, 10, '%');
    aim('insert overhead of change tracking, single-row statements', i.insert_throughput.single_row.overhead_pct, 10, '%');
    if (r.api_http?.[0]) aim('dashboard over HTTP, 30 days, views', r.api_http[0].mv.median, 10);
    const tenK = r.live?.levels.find((l) => l.pending === 10_000 && l.shape === API_SHAPES_30);
    if (tenK) out.push(`live with 10,000 pending events at ${at}: ${tenK.live_over_mv}x mv (aim ≤ 2x: ${tenK.live_over_mv <= 2 ? 'meets' : 'misses'}), raw ${tenK.raw_over_live}x slower than live`);
  }
  const oneM = results.find((r) => r.events === 1_000_000);
  if (oneM) out.push(`full refresh at 1,000,000: ${ms(oneM.refresh.total.median)} (aim < 2 s: ${oneM.refresh.total.median < SPEC_REFRESH_MS ? 'meets' : 'misses'})`);
  return out;
}

const API_SHAPES_30 = '30 days, all campaigns';

function incrementalLines(i: NonNullable<SizeResult['incremental']>): string {
  const run = (label: string, x: { runs: number; total: { median: number }; buckets: number; rows_changed_median: number }) =>
    `${label}: ${ms(x.total.median)} (median of ${x.runs}; ${x.buckets} buckets, ${x.rows_changed_median} rows changed)`;
  const t = (label: string, x: NonNullable<SizeResult['incremental']>['insert_throughput']['batch']) =>
    `${label}: ${x.with_triggers_rows_per_s.toLocaleString('en-US')} rows/s with change tracking, ${x.without_triggers_rows_per_s.toLocaleString('en-US')} without (${x.overhead_pct >= 0 ? '+' : ''}${x.overhead_pct} % time)`;
  return [
    'Incremental refresh:',
    `- ${run('nothing changed', i.nothing_changed)}`,
    `- ${run('after 10,000 new events today, across workspaces', i.batch_10k_today)}`,
    `- ${run('after 1,000 late events in 30 days two months back', i.backfill_1k_30_days)}`,
    `Insert throughput into email_events (rows made beforehand; rolled back; interleaved, medians of 7):`,
    `- ${t('10,000-row statements', i.insert_throughput.batch)}`,
    `- ${t(`single-row statements (${i.insert_throughput.single_row.rows.toLocaleString('en-US')} in a transaction)`, i.insert_throughput.single_row)}`,
  ].join('\n');
}

/** Median latency against table size (log-log) for raw and views: the dashboard API and the spec's three shapes. */
export function scaleSvg(results: SizeResult[]): string {
  const line = (name: string, color: string, dash: boolean, y: (r: SizeResult) => number | undefined): Series =>
    ({ name, color, dash, points: results.flatMap((r) => { const v = y(r); return v === undefined ? [] : [{ x: r.events, y: v }]; }) });
  const series: Series[] = [
    line('raw: API 30 days', '#d1242f', false, (r) => r.api_in_process[0]?.raw.median),
    line('views: API 30 days', '#0969da', false, (r) => r.api_in_process[0]?.mv.median),
    line('raw: API 365 days', '#d1242f', true, (r) => r.api_in_process[2]?.raw.median),
    line('views: API 365 days', '#0969da', true, (r) => r.api_in_process[2]?.mv.median),
    line('views alone: API 30 days', '#54aeff', true, (r) => r.api_in_process[0]?.mv_alone.median),
    line('raw: summary SQL', '#f0a09a', false, (r) => r.shapes_sql.summary.raw.median),
    line('views: summary SQL', '#9db4ff', false, (r) => r.shapes_sql.summary.mv.median),
  ];
  if (results.every((r) => r.api_http)) {
    series.push(line('raw: HTTP 30 days', '#8c1d18', false, (r) => r.api_http?.[0]?.raw.median),
      line('views: HTTP 30 days', '#033d8b', false, (r) => r.api_http?.[0]?.mv.median));
  }
  return lineChartSvg('Dashboard latency against table size (median, busiest workspace)', 'email_events rows (log)', 'milliseconds (log)', series);
}
