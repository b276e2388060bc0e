// The benchmark's one results format: a zod schema (the single definition of the JSON file, used
// by the writer, the report and the smoke test) and the writer of bench/results/<date>-<events>.json.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from '../migrate';

export const RESULTS_DIR = path.join(PROJECT_ROOT, 'bench', 'results');

export const timingSchema = z.object({ n: z.number().int(), median: z.number(), p95: z.number(), p99: z.number(), min: z.number() });
const timing = timingSchema;
const pair = z.object({ raw: timing, mv: timing, ratio: z.number() });
const checkedPair = pair.extend({ same_answer: z.boolean(), mv_alone: timing });
const buffers = z.object({ hit: z.number(), read: z.number() });
const refreshRuns = z.object({ runs: z.number().int(), total: timing, buckets: z.number().int(), rows_changed_median: z.number() });
const throughput = z.object({
  rows: z.number().int(), rows_per_statement: z.number().int(), with_triggers_rows_per_s: z.number(),
  without_triggers_rows_per_s: z.number(), overhead_pct: z.number(),
});

export const sizeResultSchema = z.object({
  events: z.number().int(),
  llm_calls: z.number().int(),
  seed_seconds: z.number(),
  iterations: z.number().int(),
  target: z.object({ workspace: z.string(), campaign: z.string(), today: z.string() }),
  refresh: z.object({ runs: z.number().int(), total: timing, per_view_median_ms: z.record(z.string(), z.number()) }),
  spec_sql: z.object({
    range: z.object({ from: z.string(), to: z.string() }),
    before_ms: z.number(), after_ms: z.number(), ratio: z.number(), before_buffers: buffers, after_buffers: buffers,
  }),
  shapes_sql: z.object({ summary: checkedPair, timeseries: checkedPair, cost_breakdown: checkedPair }),
  api_in_process: z.array(checkedPair.extend({ shape: z.string(), raw_timeouts: z.number().int().default(0) })),
  api_http: z.array(pair.extend({ shape: z.string(), raw_timeouts: z.number().int().default(0) })).optional(),
  refresh_under_load: z.object({ readers: z.number().int(), reader_before: timing, reader_during: timing, refresh_ms: z.number() }),
  incremental: z.object({
    nothing_changed: refreshRuns, batch_10k_today: refreshRuns, backfill_1k_30_days: refreshRuns,
    insert_throughput: z.object({ batch: throughput, single_row: throughput }),
  }).optional(),
  live: z.object({
    levels: z.array(z.object({
      pending: z.number().int(), shape: z.string(), live: timing, mv: timing, raw: timing, same_answer: z.boolean(), raw_timeouts: z.number().int(),
      live_over_mv: z.number(), raw_over_live: z.number(),
    })),
    refresh_after_pending: z.object({ pending: z.number().int(), ms: z.number(), buckets: z.number().int(), rows_changed: z.number().int() }),
  }).optional(),
  alerts: z.object({
    rules: z.number().int(), workspaces: z.number().int(), first_ms: z.number(), fired_first: z.number().int(), steady: timing, per_rule_ms: z.number(),
  }).optional(),
  page_load: z.object({
    loads: z.number().int(), numbers: pair, charts: pair, interactive: pair.optional(),
    phases: z.record(z.enum(['mv', 'raw']), z.object({
      first_byte: z.number(), html_done: z.number(), dom_content_loaded: z.number(),
      first_contentful_paint: z.number().optional(), script_ms: z.number().optional(), layout_ms: z.number().optional(), style_ms: z.number().optional(),
    })),
    bundle: z.object({ files: z.number().int(), bytes: z.number().int(), gzip_bytes: z.number().int() }).optional(),
  }).optional(),
  load_average_before: z.array(z.number()),
  load_average_after: z.array(z.number()),
});
export type SizeResult = z.infer<typeof sizeResultSchema>;

export const machineSchema = z.object({
  cpu: z.string(), cores: z.number().int(), memory_gib: z.number(), node: z.string(), postgres: z.string(), os: z.string(),
  load_average_start: z.array(z.number()), load_average_end: z.array(z.number()),
});
export type Machine = z.infer<typeof machineSchema>;

export const resultsFileSchema = z.object({
  date: z.string(),
  command: z.string(),
  database: z.enum(['embedded', 'DATABASE_URL']),
  machine: machineSchema,
  results: z.array(sizeResultSchema).min(1),
});
export type ResultsFile = z.infer<typeof resultsFileSchema>;

// npm run bench -- --citus: the same sections on one Postgres and on a Citus cluster holding the same rows.
const sideSchema = z.object({
  refresh: sizeResultSchema.shape.refresh,
  incremental: sizeResultSchema.shape.incremental.unwrap(),
  live: sizeResultSchema.shape.live.unwrap(),
});
export type SideResult = z.infer<typeof sideSchema>;

export const clusterComparisonSchema = z.object({
  events: z.number().int(),
  llm_calls: z.number().int(),
  seed_seconds: z.number(),
  /** Seconds to copy the single node's rows onto the cluster (through the coordinator). */
  copy_seconds: z.number(),
  iterations: z.number().int(),
  /** Events each write case adds (the incremental and live sections). */
  write_sizes: z.object({ batch: z.number().int(), backfill: z.number().int(), throughputBatch: z.number().int(),
    throughputSingles: z.number().int(), livePending: z.array(z.number().int()) }),
  target: sizeResultSchema.shape.target,
  /** Dashboard answers (every API shape; mv, live, raw) of the cluster against the single node's, after the first full rebuild. */
  answers: z.object({ compared: z.number().int(), equal: z.number().int(), differing: z.array(z.string()) }),
  single: sideSchema,
  citus: sideSchema,
  load_average_before: z.array(z.number()),
  load_average_after: z.array(z.number()),
});
export type ClusterComparison = z.infer<typeof clusterComparisonSchema>;

export const citusResultsFileSchema = z.object({
  date: z.string(),
  command: z.string(),
  /** What the figures can and cannot say on this machine. */
  note: z.string(),
  single: z.object({ database: z.enum(['embedded', 'DATABASE_URL']), postgres: z.string() }),
  cluster: z.object({ database: z.enum(['local', 'CITUS_DATABASE_URL']), postgres: z.string(), citus: z.string(), workers: z.number().int() }),
  machine: machineSchema,
  results: z.array(clusterComparisonSchema).min(1),
});
export type CitusResultsFile = z.infer<typeof citusResultsFileSchema>;

/** `<date>-<events>` for one size, `<date>-scale` for several. */
export function resultsBaseName(file: ResultsFile): string {
  const day = file.date.slice(0, 10);
  return file.results.length > 1 ? `${day}-scale` : `${day}-${file.results[0]?.events ?? 0}`;
}

/** Validates and writes the JSON (and the SVG, when given); returns the paths written. */
export function writeResults(file: ResultsFile, options: { dir?: string; svg?: string } = {}): string[] {
  return writeFiles(resultsBaseName(file), resultsFileSchema.parse(file), options);
}

/** `<date>-citus-<events>.json`, validated. */
export function writeCitusResults(file: CitusResultsFile, options: { dir?: string } = {}): string[] {
  return writeFiles(`${file.date.slice(0, 10)}-citus-${file.results[0]?.events ?? 0}`, citusResultsFileSchema.parse(file), options);
}

function writeFiles(name: string, json: unknown, options: { dir?: string; svg?: string }): string[] {
  const dir = options.dir ?? RESULTS_DIR;
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, name);
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(json, null, 2)}\n`);
  const written = [`${base}.json`];
  if (options.svg) {
    fs.writeFileSync(`${base}.svg`, options.svg);
    written.push(`${base}.svg`);
  }
  return written;
}
