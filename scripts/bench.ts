// npm run bench: reproduces the spec's performance table on this machine. Seeds demo data into an
// embedded Postgres (or DATABASE_URL), then measures raw tables against materialized views in
// interleaved pairs: the spec's own SQL, the three query shapes, the dashboard API in-process and
// over HTTP, refresh time, readers during a refresh and, with --page, page load in Chromium.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startEmbeddedPostgres } from './lib/embedded-postgres';
import { seedDemoData } from './lib/demo-data';
import { applyMigrations, PROJECT_ROOT } from './lib/migrate';
import { buildNext, startNextServer } from './lib/next-server';
import { progress } from './lib/progress';
import { apiInProcess, apiOverHttp, machine, pickTarget, refreshTimes, refreshUnderLoad, shapeQueries, specSql, API_SHAPES } from './lib/bench/measure';
import { pageLoads, type PageTimings } from './lib/bench/page-load';
import { printReport, writeResults, type SizeResult } from './lib/bench/report';

const HELP = `Usage: npm run bench -- [options]

  --events N          events to measure at (default 1000000)
  --scale A,B,C       measure at several sizes, growing one database (e.g. 100000,1000000,10000000),
                      and draw latency against size as an SVG
  --iterations K      interleaved raw/mv pairs per measurement (default: 20, fewer above 1M events)
  --no-http           skip the measurements over HTTP (they build and start the production server)
  --page              also time page loads in headless Chromium (/usr/bin/chromium)
  --fresh             start from an empty database (default: reuse .data/bench and grow it)
  --help              show this help

Uses DATABASE_URL when set (it then only adds data, never deletes), otherwise an embedded
Postgres kept in .data/bench. Results go to bench/results/<date>-<events>.json (and -scale.svg).`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '1000000' },
      scale: { type: 'string' },
      iterations: { type: 'string' },
      'no-http': { type: 'boolean', default: false },
      page: { type: 'boolean', default: false },
      fresh: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(HELP);
  const sizes = (values.scale ?? values.events ?? '1000000').split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isSafeInteger(n) || n < 1000)) throw new Error('--events/--scale take whole numbers of at least 1000');
  sizes.sort((a, b) => a - b);
  const iterationsFlag = values.iterations === undefined ? undefined : Number(values.iterations);
  if (iterationsFlag !== undefined && (!Number.isInteger(iterationsFlag) || iterationsFlag < 3)) throw new Error('--iterations must be at least 3');

  const dataDir = path.join(PROJECT_ROOT, '.data', 'bench');
  if (values.fresh && !process.env.DATABASE_URL) fs.rmSync(dataDir, { recursive: true, force: true });
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir, persistent: true, database: 'bench' });
  const url = process.env.DATABASE_URL ?? embedded?.url ?? '';
  const client = new pg.Client({ connectionString: url });
  let server: Awaited<ReturnType<typeof startNextServer>> | undefined;
  try {
    await applyMigrations(url);
    await client.connect();
    const results: SizeResult[] = [];
    for (const [index, events] of sizes.entries()) {
      const iterations = iterationsFlag ?? (events > 3_000_000 ? 7 : events > 1_500_000 ? 12 : 20);
      const seeded = await growTo(client, events, index);
      console.error(`\n── ${events.toLocaleString('en-US')} events (${iterations} interleaved pairs per measurement) ──`);
      const refreshBar = progress('refresh                ', 3);
      let done = 0;
      const refresh = await refreshTimes(url, 3, () => refreshBar.update(++done));
      refreshBar.finish();
      const target = await pickTarget(client);
      const spec = await specSql(client, target.today);
      const shapesBar = progress('query shapes (SQL)     ', 3 * iterations);
      done = 0;
      const shapes = await shapeQueries(client, target, iterations, () => shapesBar.update(++done));
      shapesBar.finish();
      const apiBar = progress('API in-process         ', API_SHAPES.length * iterations);
      done = 0;
      const api = await apiInProcess(url, target, iterations, () => apiBar.update(++done));
      apiBar.finish();
      let http;
      if (!values['no-http']) {
        if (!server) {
          await buildNext({ log: (line) => console.error(line) });
          server = await startNextServer({ DATABASE_URL: url });
        }
        const httpBar = progress('API over HTTP          ', API_SHAPES.length * iterations);
        done = 0;
        http = await apiOverHttp(server.url, target, iterations, () => httpBar.update(++done));
        httpBar.finish();
      }
      const underLoad = await refreshUnderLoad(url, target);
      let page;
      if (values.page) page = await measurePages(url, target.workspace);
      results.push({ events, llm_calls: seeded.llmCalls, seed_seconds: seeded.seconds, iterations, target, refresh, spec_sql: spec,
        shapes_sql: shapes, api_in_process: api, api_http: http, refresh_under_load: underLoad, page_load: page, load_average_after: machine().load_average });
    }
    const postgres = (await client.query('show server_version')).rows[0].server_version as string;
    const files = writeResults(results, { ...machine(), postgres });
    printReport(results);
    console.log(`\nResults: ${files.join(', ')}`);
  } finally {
    await server?.stop();
    await client.end().catch(() => {});
    await embedded?.stop();
  }
}

/** Adds demo data until the table holds `events` rows (a new seed each step keeps rows distinct). */
async function growTo(client: pg.Client, events: number, step: number) {
  const { rows } = await client.query('select count(*)::bigint as n from email_events');
  const have = Number(rows[0].n);
  const llm = async () => Number((await client.query('select count(*) as n from llm_usage')).rows[0].n);
  if (have >= events) {
    if (have > events) console.error(`The database already holds ${have.toLocaleString('en-US')} events (more than ${events.toLocaleString('en-US')}); use --fresh for an exact size.`);
    return { llmCalls: await llm(), seconds: 0 };
  }
  const bar = progress('seeding email_events   ', events);
  const started = Date.now();
  await seedDemoData(client, { events: events - have, seed: 1000 + step + have, days: 365, onProgress: (n) => bar.update(have + n) });
  bar.finish();
  return { llmCalls: await llm(), seconds: Math.round((Date.now() - started) / 100) / 10 };
}

/** Page loads on the mv path and, with DASHBOARD_SOURCE=raw, on the raw path, side by side. */
async function measurePages(url: string, workspace: string) {
  await buildNext({ log: (line) => console.error(line) });
  const out = new Map<'mv' | 'raw', PageTimings>();
  for (const source of ['mv', 'raw'] as const) {
    const server = await startNextServer({ DATABASE_URL: url, DASHBOARD_SOURCE: source });
    try {
      const bar = progress(`page load (${source})${' '.repeat(9 - source.length)}`, 11);
      let done = 0;
      out.set(source, await pageLoads(`${server.url}/?workspace_id=${encodeURIComponent(workspace)}`, 10, () => bar.update(++done)));
      bar.finish();
    } finally {
      await server.stop();
    }
  }
  const mv = out.get('mv');
  const raw = out.get('raw');
  if (!mv || !raw) throw new Error('page loads were not measured');
  const ratio = (a: { median: number }, b: { median: number }) => Math.round((a.median / b.median) * 10) / 10;
  return {
    charts: { mv: mv.charts, raw: raw.charts, ratio: ratio(raw.charts, mv.charts) },
    numbers: { mv: mv.numbers, raw: raw.numbers, ratio: ratio(raw.numbers, mv.numbers) },
  };
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
