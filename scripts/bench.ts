// npm run bench: reproduces the spec's performance table on this machine. Seeds demo data into a
// throwaway embedded Postgres (or DATABASE_URL), then measures raw tables against the views in
// interleaved pairs: the spec's own SQL, the three query shapes, the dashboard API in-process and
// over HTTP, the full rebuild, readers during a refresh, incremental refreshes, insert throughput
// with and without change tracking, live answers with writes pending and, with --page, page load.
// With --citus: the same rows on one Postgres and on a Citus cluster, measured side by side.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runCommand, UsageError } from './lib/cli';
import { PROJECT_ROOT } from './lib/migrate';
import { buildNext, startNextServer, type NextServer } from './lib/next-server';
import { progress } from './lib/progress';
import { measureBefore, printBefore } from './lib/bench/before';
import { openBenchDatabase, withClient } from './lib/bench/database';
import { DEFAULT_WRITE_SIZES } from './lib/bench/incremental';
import { copyRawRows, openBenchCluster, clusterVersions, type BenchCluster } from './lib/bench/cluster';
import { benchAuth } from './lib/bench/http-auth';
import { DEFAULT_LOAD_CLIENTS, DEFAULT_LOAD_SECONDS, loadReport, measureLoad } from './lib/bench/load';
import { pageComparison, pageReport, pageSection } from './lib/bench/page-load';
import { printReport, scaleSvg } from './lib/bench/report';
import { RESULTS_DIR, writeCitusResults, writeResults, type Machine, type ResultsFile, type SizeResult } from './lib/bench/results';
import { pickTarget } from './lib/bench/measure';
import { loadAverage, measureSize } from './lib/bench/sections';
import { CLUSTER_NOTE, measureSideBySide, printSideBySide } from './lib/bench/side-by-side';
import { growTo } from './lib/bench/seed';

const HELP = `Usage: npm run bench -- [options]

  --events N          events to measure at (default 1000000; 10000000 works, seeding takes minutes)
  --scale A,B,C       measure at each size, growing one database step by step
                      (e.g. 100000,1000000,10000000), and draw latency against size as an SVG
  --iterations K      interleaved raw/views pairs per measurement (default 20; 12 above 1.5M, 7 above 3M)
  --http, --no-http   also time the API over HTTP against \`next start\` (default: --http; it builds first)
  --page              also time page loads in headless Chromium (CHROMIUM_PATH, a system Chromium or the
                      one inside @sparticuz/chromium), 10 each source
  --citus             the same rows on one Postgres and on a Citus cluster, measured side by side: dashboard
                      reads (mv, live with writes pending, raw; 30 and 365 days), incremental refreshes, the
                      full rebuild, insert throughput with change tracking, and the cluster's answers against
                      the single node's. The cluster is CITUS_DATABASE_URL (a migrated coordinator with
                      workers), else a coordinator and two workers started here on free ports from
                      ../shared/citus (root; Citus is built once) and stopped at the end. No HTTP or page
                      section; one size (--events). On one small machine the cluster shows correctness and
                      overhead (the coordinator hop, intermediate results), not speed
  --before MIGRATION  this build against the schema made by the migrations before MIGRATION (a 14-digit
                      version, e.g. 20251226000001), on the same rows, side by side in one run: the
                      dashboard read, refreshes after appends, back-fills, updates and deletes and with
                      nothing pending, live answers with 10,000 events pending, what change tracking
                      costs a producer, and the full rebuild (--events up to 2M; --no-rebuild skips it
                      above). Embedded database only; one size (--events)
  --page-only         only the page loads (seeds and refreshes the views first; no other section);
                      results in bench/results/<date>-<events>-page.json
  --page-against DIR  with --page-only: time this build against the build of another checkout of
                      the app in DIR (its own node_modules, \`next build\` run there), both on the views,
                      loads interleaved: a before/after measured side by side
  --load              only a load test over HTTP against a production build (\`next build\`, \`next start\`):
                      --clients concurrent viewers (default ${DEFAULT_LOAD_CLIENTS}) for --seconds (default ${DEFAULT_LOAD_SECONDS}), 80 % repeating
                      the page's default question (30 days with the previous 30), 20 % other ranges,
                      campaigns and the campaigns table; requests/s, p50, p99 and the answers cache's hit
                      rate, with the cache on and then off (DASHBOARD_CACHE=off), each on a fresh server;
                      then one client asking the default question of both servers in turns (p50, p95)
                      One size (--events); results in bench/results/<date>-<events>-load-<clients>-clients.json
  --clients N         with --load: concurrent viewers (default ${DEFAULT_LOAD_CLIENTS})
  --seconds S         with --load: measured seconds per side, after 2 s of warm-up (default ${DEFAULT_LOAD_SECONDS})
  --keep              keep the embedded database in .data/bench (a later --keep run grows it)
  --reset             start from empty tables (with DATABASE_URL or CITUS_DATABASE_URL: truncates
                      email_events and llm_usage there)
  --yes               allow a DATABASE_URL (or CITUS_DATABASE_URL) that is not on this machine (it is written to)
  --help              show this help

Without DATABASE_URL the database is a throwaway embedded Postgres in .data/bench, deleted at the
end unless --keep. With DATABASE_URL, demo rows are added to it and nothing is deleted without
--reset. Results: bench/results/<date>-<events>.json, or <date>-scale.json and .svg with --scale,
or <date>-citus-<events>.json with --citus.`;

const ARGS = {
  events: { type: 'string' }, scale: { type: 'string' }, iterations: { type: 'string' },
  http: { type: 'boolean' }, 'no-http': { type: 'boolean' }, page: { type: 'boolean' }, citus: { type: 'boolean' },
  'page-only': { type: 'boolean' }, load: { type: 'boolean' }, clients: { type: 'string' }, seconds: { type: 'string' }, 'page-against': { type: 'string' }, before: { type: 'string' }, 'no-rebuild': { type: 'boolean' },
  keep: { type: 'boolean' }, reset: { type: 'boolean' }, yes: { type: 'boolean' }, help: { type: 'boolean' },
} as const;

interface Options {
  sizes: number[]; iterations?: number; http: boolean; page: boolean; citus: boolean; pageOnly: boolean; pageAgainst?: string;
  keep: boolean; reset: boolean; yes: boolean; before?: string; rebuild: boolean;
  load?: { clients: number; seconds: number };
}

function parseOptions(): Options | undefined {
  const parsed = (() => {
    try {
      return parseArgs({ options: ARGS });
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
  })();
  const values = parsed.values;
  if (values.help) return undefined;
  const sizes = (values.scale ?? values.events ?? '1000000').split(',').map((s) => Number(s.trim().replace(/_/g, '')));
  if (sizes.some((n) => !Number.isSafeInteger(n) || n < 1000)) throw new UsageError('--events/--scale take whole numbers of at least 1000');
  const iterations = values.iterations === undefined ? undefined : Number(values.iterations);
  if (iterations !== undefined && (!Number.isInteger(iterations) || iterations < 3)) throw new UsageError('--iterations must be a whole number of at least 3');
  if (values.http && values['no-http']) throw new UsageError('--http and --no-http contradict each other');
  const citus = values.citus ?? false;
  if (citus && (values.scale || values.http || values.page || values['page-only'])) {
    throw new UsageError('--citus measures one size (--events) without HTTP or page loads: drop --scale, --http, --page and --page-only');
  }
  if (values.before !== undefined) {
    if (!/^\d{14}$/.test(values.before)) throw new UsageError('--before takes a migration version: 14 digits, like 20251226000001');
    if (citus || values.scale || values.http || values.page || values['page-only']) {
      throw new UsageError('--before measures one size (--events) in SQL: drop --citus, --scale, --http, --page and --page-only');
    }
    if (process.env.DATABASE_URL) throw new UsageError('--before creates two databases of its own on the embedded server: unset DATABASE_URL');
  }
  const load = loadOptions(values, sizes.length, citus || values.before !== undefined || values.page || values['page-only'] || values.http);
  const pageOnly = values['page-only'] ?? false;
  if (values['page-against'] && !pageOnly) throw new UsageError('--page-against needs --page-only');
  if (pageOnly && sizes.length > 1) throw new UsageError('--page-only measures one size: use --events');
  return {
    sizes: [...new Set(sizes)].sort((a, b) => a - b), iterations, http: !values['no-http'] && !pageOnly && !citus, citus,
    page: values.page ?? false, pageOnly, pageAgainst: values['page-against'] && path.resolve(values['page-against']),
    keep: values.keep ?? false, reset: values.reset ?? false, yes: values.yes ?? false,
    before: values.before, rebuild: !values['no-rebuild'], load,
  };
}

function loadOptions(values: { load?: boolean; clients?: string; seconds?: string }, sizes: number, otherMode: boolean | undefined): Options['load'] {
  if (!values.load) {
    if (values.clients !== undefined || values.seconds !== undefined) throw new UsageError('--clients and --seconds go with --load');
    return undefined;
  }
  if (otherMode) throw new UsageError('--load runs alone: drop --citus, --before, --http, --page and --page-only');
  if (sizes > 1) throw new UsageError('--load measures one size: use --events');
  const whole = (value: string | undefined, fallback: number, name: string, max: number) => {
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${name} takes a whole number from 1 to ${max}`);
    return n;
  };
  return { clients: whole(values.clients, DEFAULT_LOAD_CLIENTS, '--clients', 1024), seconds: whole(values.seconds, DEFAULT_LOAD_SECONDS, '--seconds', 3600) };
}

async function main(): Promise<number> {
  const options = parseOptions();
  if (!options) {
    console.log(HELP);
    return 0;
  }
  if (options.citus) return sideBySide(options);
  if (options.before) return againstBefore(options, options.before);
  const loadStart = loadAverage();
  const log = (line: string) => console.error(line);
  const database = await openBenchDatabase({ keep: options.keep, reset: options.reset, yes: options.yes, log });
  const client = new pg.Client({ connectionString: database.url });
  let server: NextServer | undefined;
  const auth = benchAuth();
  try {
    await client.connect();
    if (options.http || options.load) {
      await buildNext({ log });
    }
    if (options.http && !options.load) {
      server = await startNextServer({ DATABASE_URL: database.url, ...auth.env });
    }
    const have = Number((await client.query('select count(*)::bigint as n from public.email_events')).rows[0].n);
    const smallest = options.sizes[0] ?? 0;
    if (options.sizes.length > 1 && have > smallest) {
      throw new UsageError(`the database already holds ${have.toLocaleString('en-US')} events, more than the first --scale size; add --reset to start empty`);
    }
    const results: SizeResult[] = [];
    for (const [step, events] of options.sizes.entries()) {
      const bar = progress('seeding email_events'.padEnd(24), events);
      const seeded = await growTo(client, events, { step, onProgress: (n) => bar.update(n), warn: log });
      bar.finish(seeded.seconds ? `(${seeded.seconds} s)` : '(already there)');
      if (options.pageOnly) {
        await pageOnly(client, database.url, seeded.events, options.pageAgainst);
        return 0;
      }
      if (options.load) {
        await loadOnly(client, database.url, seeded.events, options.load, auth);
        return 0;
      }
      const iterations = options.iterations ?? (seeded.events > 3_000_000 ? 7 : seeded.events > 1_500_000 ? 12 : 20);
      log(`\n── ${seeded.events.toLocaleString('en-US')} events (${iterations} interleaved pairs per measurement) ──`);
      results.push(await measureSize({
        url: database.url, client, seeded, iterations, httpBaseUrl: server?.url, httpAuth: auth,
        pages: options.page ? (workspace) => pageSection(database.url, workspace) : undefined,
      }));
    }
    const postgres = String((await client.query('show server_version')).rows[0].server_version);
    const file: ResultsFile = {
      date: new Date().toISOString(),
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      database: database.kind,
      machine: machine(postgres, loadStart),
      results,
    };
    printReport(file);
    const written = writeResults(file, { svg: results.length > 1 ? scaleSvg(results) : undefined });
    console.log(`\nResults: ${written.map((f) => path.relative(PROJECT_ROOT, f)).join(', ')}`);
    return 0;
  } finally {
    await server?.stop();
    await client.end().catch(() => {});
    await database.close();
  }
}

/** --before: this build against an earlier schema, the same rows, side by side. */
async function againstBefore(options: Options, beforeMigration: string): Promise<number> {
  const loadStart = loadAverage();
  const log = (line: string) => console.error(line);
  const events = options.sizes[0] ?? 1_000_000;
  const database = await openBenchDatabase({ keep: false, reset: true, yes: false, log });
  try {
    const result = await measureBefore({
      adminUrl: database.url, beforeMigration, events, log,
      iterations: options.iterations ?? (events > 3_000_000 ? 9 : 20), runs: events > 3_000_000 ? 3 : 5,
      sizes: { ...DEFAULT_WRITE_SIZES, livePending: [10_000] },
      fullRebuild: options.rebuild || events <= 2_000_000,
      seed: async (client, n) => {
        const bar = progress('seeding email_events'.padEnd(24), n);
        const seeded = await growTo(client, n, { step: 0, onProgress: (x) => bar.update(x), warn: log });
        bar.finish(`(${seeded.seconds} s)`);
        return seeded;
      },
    });
    const postgres = String((await withClient(database.url, (c) => c.query('show server_version'))).rows[0].server_version);
    const file = {
      date: new Date().toISOString(), command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      machine: machine(postgres, loadStart), result,
    };
    printBefore(result);
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const written = path.join(RESULTS_DIR, `${file.date.slice(0, 10)}-before-${beforeMigration}-${result.events}.json`);
    fs.writeFileSync(written, `${JSON.stringify(file, null, 2)}\n`);
    console.log(`\nResults: ${path.relative(PROJECT_ROOT, written)}`);
    return 0;
  } finally {
    await database.close();
  }
}

/** --citus: one Postgres and a Citus cluster with the same rows, measured side by side. */
async function sideBySide(options: Options): Promise<number> {
  const loadStart = loadAverage();
  const log = (line: string) => console.error(line);
  const events = options.sizes[0] ?? 1_000_000;
  const database = await openBenchDatabase({ keep: options.keep, reset: options.reset, yes: options.yes, log });
  const single = new pg.Client({ connectionString: database.url });
  let cluster: BenchCluster | undefined;
  let coordinator: pg.Client | undefined;
  // A local cluster runs as separate server processes: stop them on Ctrl-C too.
  const interrupted = () => {
    void Promise.allSettled([cluster?.close(), database.close()]).then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    cluster = await openBenchCluster({ reset: options.reset, yes: options.yes, log });
    coordinator = new pg.Client({ connectionString: cluster.url });
    await Promise.all([single.connect(), coordinator.connect()]);
    const seedBar = progress('seeding email_events'.padEnd(24), events);
    const seeded = await growTo(single, events, { step: 0, onProgress: (n) => seedBar.update(n), warn: log });
    seedBar.finish(seeded.seconds ? `(${seeded.seconds} s)` : '(already there)');
    const copyBar = progress('copying to Citus'.padEnd(24), seeded.events);
    const copyStart = Date.now();
    await copyRawRows(single, coordinator, '', (n) => copyBar.update(n));
    const copySeconds = Math.round((Date.now() - copyStart) / 100) / 10;
    copyBar.finish(`(${copySeconds} s)`);
    const iterations = options.iterations ?? (seeded.events > 3_000_000 ? 7 : seeded.events > 1_500_000 ? 12 : 20);
    log(`\n── ${seeded.events.toLocaleString('en-US')} events on one Postgres and on Citus (${iterations} samples per read) ──`);
    const result = await measureSideBySide({
      sides: { single: { url: database.url, client: single }, citus: { url: cluster.url, client: coordinator } },
      seeded, copySeconds, iterations,
    });
    const postgres = String((await single.query('show server_version')).rows[0].server_version);
    const file = {
      date: new Date().toISOString(),
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      note: CLUSTER_NOTE,
      single: { database: database.kind, postgres },
      cluster: { database: cluster.kind, ...(await clusterVersions(coordinator)) },
      machine: machine(postgres, loadStart),
      results: [result],
    };
    printSideBySide(file);
    const written = writeCitusResults(file);
    console.log(`\nResults: ${written.map((f) => path.relative(PROJECT_ROOT, f)).join(', ')}`);
    return 0;
  } finally {
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    await Promise.allSettled([single.end(), coordinator?.end()]);
    await cluster?.close();
    await database.close();
  }
}

/** --page-only: the views brought up to date, then page loads of the busiest workspace, alone. */
async function pageOnly(client: pg.Client, url: string, events: number, against: string | undefined): Promise<void> {
  const loadStart = loadAverage();
  await client.query('select public.refresh_dashboard_views()');
  const target = await pickTarget(client);
  const page = against ? await pageComparison(url, target.workspace, against) : await pageSection(url, target.workspace);
  const postgres = String((await client.query('show server_version')).rows[0].server_version);
  console.log(`\n${events.toLocaleString('en-US')} events, workspace ${target.workspace}, last 30 days\n${pageReport(page)}`);
  const file = path.join(RESULTS_DIR, `${new Date().toISOString().slice(0, 10)}-${events}-page.json`);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
  fs.writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), command, machine: machine(postgres, loadStart), events, target, page }, null, 2)}\n`);
  console.log(`\nResults: ${path.relative(PROJECT_ROOT, file)}`);
}

/** --load: concurrent viewers over HTTP, the answers cache on and then off. */
async function loadOnly(client: pg.Client, url: string, events: number, load: NonNullable<Options['load']>, auth: ReturnType<typeof benchAuth>): Promise<void> {
  const loadStart = loadAverage();
  const log = (line: string) => console.error(line);
  const result = await measureLoad({
    client, events, clients: load.clients, seconds: load.seconds, auth, log,
    startServer: (env) => startNextServer({ DATABASE_URL: url, ...env }),
  });
  const postgres = String((await client.query('show server_version')).rows[0].server_version);
  console.log(`\n${loadReport(result)}`);
  const file = path.join(RESULTS_DIR, `${new Date().toISOString().slice(0, 10)}-${events}-load-${load.clients}-clients.json`);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
  fs.writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), command, machine: machine(postgres, loadStart), ...result }, null, 2)}\n`);
  console.log(`\nResults: ${path.relative(PROJECT_ROOT, file)}`);
}

function machine(postgres: string, loadStart: number[]): Machine {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version, postgres, os: `${os.type()} ${os.release()}`, load_average_start: loadStart, load_average_end: loadAverage(),
  };
}

runCommand('bench', HELP, main);
