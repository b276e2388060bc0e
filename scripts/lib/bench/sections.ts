// One table size, every section of the benchmark in order: refresh (so the views are fresh), the
// spec's Testing SQL, the three query shapes, the API in-process and over HTTP, readers during a
// refresh and, when asked, page loads. The CLI and the smoke test both run this.
import os from 'node:os';
import type pg from 'pg';
import { progress, type Progress } from '../progress';
import { alertsSection } from './alerts';
import { apiInProcess, apiOverHttp, pickTarget, refreshTimes, refreshUnderLoad, shapeQueries, specSql, API_SHAPES } from './measure';
import type { BenchAuth } from './http-auth';
import { DEFAULT_WRITE_SIZES, incrementalSection, insertRecent, liveSection, writeOptionsFor, type WriteSizes } from './incremental';
import type { PageResult } from './page-load';
import type { SizeResult } from './report';
import { round } from './stats';
import type { Seeded } from './seed';

export interface SizeOptions {
  url: string;
  client: pg.ClientBase;
  seeded: Seeded;
  iterations: number;
  /** Limit the target workspace to ids with this prefix (tests sharing a database). */
  workspacePrefix?: string;
  /** Base URL of a running `next start`; no HTTP section without it. */
  httpBaseUrl?: string;
  /** How the HTTP section signs in (the server was started with its env). */
  httpAuth?: BenchAuth;
  /** Page loads for the chosen workspace; no page section without it. */
  pages?: (workspace: string) => Promise<PageResult>;
  refreshRuns?: number;
  /** Runs of each incremental-refresh case (10k batch, 1k back-fill). */
  incrementalRuns?: number;
  /** Rows each write case adds (the sizes unless given). */
  writeSizes?: WriteSizes;
  /** Alert rules evaluated after a refresh (1,000 unless given). */
  alertRules?: number;
  /** Seconds of reads before the refresh in the readers-during-refresh section. */
  readersBeforeSeconds?: number;
  quiet?: boolean;
}

export async function measureSize(options: SizeOptions): Promise<SizeResult> {
  const { url, client, iterations } = options;
  const loadBefore = loadAverage();
  const bar = (label: string, total: number) => sectionBar(label, total, options.quiet);

  // The seeded rows are all pending: a full rebuild brings the views up to date (and is measured).
  const runs = options.refreshRuns ?? (options.seeded.events > 3_000_000 ? 1 : 2);
  const refreshBar = bar('refresh (full rebuild)', runs);
  const refresh = await refreshTimes(url, runs, refreshBar.step);
  refreshBar.finish();

  const target = await pickTarget(client, options.workspacePrefix);
  const spec = await specSql(client, target.today);

  const shapesBar = bar('query shapes (SQL)', 3 * iterations);
  const shapes = await shapeQueries(client, target, iterations, shapesBar.step);
  shapesBar.finish();

  const apiBar = bar('API in-process', API_SHAPES.length * iterations);
  const api = await apiInProcess(url, target, iterations, apiBar.step);
  apiBar.finish();

  let http;
  if (options.httpBaseUrl) {
    const httpBar = bar('API over HTTP', API_SHAPES.length * iterations);
    const headers = options.httpAuth ? await options.httpAuth.headersFor(client, target.workspace) : {};
    http = await apiOverHttp(options.httpBaseUrl, target, iterations, httpBar.step, headers);
    httpBar.finish();
  }

  const sizes = options.writeSizes ?? DEFAULT_WRITE_SIZES;
  const writes = { ...writeOptionsFor(options.seeded.events, options.workspacePrefix), sizes };
  const underLoad = await refreshUnderLoad(url, target, (options.readersBeforeSeconds ?? 3) * 1000,
    () => insertRecent(client, sizes.batch, 77, writes));

  const incrementalRuns = options.incrementalRuns ?? 3;
  const incrementalBar = bar('incremental refresh', 10 + 2 * incrementalRuns);
  const incremental = await incrementalSection(url, client, { ...writes, runs: incrementalRuns, step: incrementalBar.step });
  incrementalBar.finish();

  const liveBar = bar('live vs mv vs raw', sizes.livePending.length * 2 * iterations);
  const live = await liveSection(url, client, target, { ...writes, iterations, step: liveBar.step });
  liveBar.finish();

  const alertRuns = 10;
  const alertsBar = bar('alerts evaluation', alertRuns + 1);
  const alerts = await alertsSection(url, client, { rules: options.alertRules, runs: alertRuns, prefix: options.workspacePrefix, step: alertsBar.step });
  alertsBar.finish();

  const page = options.pages ? await options.pages(target.workspace) : undefined;
  return {
    events: options.seeded.events, llm_calls: options.seeded.llmCalls, seed_seconds: options.seeded.seconds, iterations, target,
    refresh, spec_sql: spec, shapes_sql: shapes, api_in_process: api, api_http: http, refresh_under_load: underLoad,
    incremental, live, alerts, page_load: page, load_average_before: loadBefore, load_average_after: loadAverage(),
  };
}

/** A progress bar for one section, advanced one step at a time; silent when quiet. */
export function sectionBar(label: string, total: number, quiet = false): Progress & { step: () => void } {
  let done = 0;
  const inner = quiet ? { update: () => {}, finish: () => {} } : progress(label.padEnd(24), total);
  return { ...inner, step: () => inner.update(++done) };
}

export function loadAverage(): number[] {
  return os.loadavg().map((l) => round(l, 2));
}
