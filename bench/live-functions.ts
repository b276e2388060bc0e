// npx tsx bench/live-functions.ts --before <migration> [--after <migration>] [--runs N]
//
// Live answers (source=live) at whatever size DATABASE_URL's database has, with the live functions
// (dashboard_figures_live, dashboard_campaign_figures_live) as one migration defines them against
// another's, on the same rows: each run installs one side's definitions, answers once to plan them,
// then times the answer; sides alternate, and the views' answer is timed beside each. For changes to
// those functions alone, where `npm run bench -- --before` would need two databases of the full size
// (hours at 10M events). With 0 and then 10,000 events pending (the bench's own appends). Both sides
// must give the same answer. Leaves the --after definitions installed, and the pending rows pending.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { MIGRATIONS_DIR, migrationFiles, migrationVersion, PROJECT_ROOT } from '../scripts/lib/migrate';
import { insertRecent, writeOptionsFor } from '../scripts/lib/bench/incremental';
import { pickTarget } from '../scripts/lib/bench/measure';
import { round, summarize, timeIt } from '../scripts/lib/bench/stats';

const FUNCTIONS = ['dashboard_figures_live', 'dashboard_campaign_figures_live'];
const SHAPES = [
  { shape: '30 days, aggregate', days: 30, fn: 'dashboard_aggregate' },
  { shape: '365 days, aggregate', days: 365, fn: 'dashboard_aggregate' },
  { shape: '30 days, campaigns', days: 30, fn: 'dashboard_campaigns' },
] as const;

/** The definitions of the live functions in a migration (the newest one up to it that defines them). */
function definitions(migration: string): string {
  const files = migrationFiles().filter((f) => migrationVersion(f) <= migration).reverse();
  for (const file of files) {
    const sql = readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8');
    const bodies = FUNCTIONS.map((name) => {
      const start = sql.indexOf(`create or replace function public.${name}(`);
      return start < 0 ? null : sql.slice(start, sql.indexOf('\n$$;', start) + 4);
    });
    if (bodies.every((b) => b !== null)) return bodies.join('\n');
  }
  throw new Error(`no migration up to ${migration} defines ${FUNCTIONS.join(' and ')}`);
}


/** The answer without what is read with each request (freshness ages). */
const figuresOf = (answer: unknown) => JSON.stringify(answer, (key, value) => (key === 'freshness' ? undefined : value));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { before: { type: 'string' }, after: { type: 'string' }, runs: { type: 'string', default: '7' } } });
  if (!values.before) throw new Error('--before <migration> is required (a migration timestamp, e.g. 20260101000001)');
  if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is required: the database to measure on (it is written to)');
  const newest = migrationVersion(migrationFiles().at(-1) ?? '');
  const sides = { before: definitions(values.before), after: definitions(values.after ?? newest) };
  const runs = Number(values.runs);
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const events = Number((await client.query('select count(*)::bigint as n from public.email_events')).rows[0].n);
    const target = await pickTarget(client);
    const { rows: [held] } = await client.query('select count(*)::int as n from public.dashboard_appends');
    if (held.n > 0) throw new Error('rows are pending: refresh first (npm run refresh)');
    const results = [];
    let pending = 0;
    for (const level of [0, 10_000]) {
      if (level > pending) await insertRecent(client, level - pending, 5000 + level, writeOptionsFor(events));
      pending = level;
      for (const { shape, days, fn } of SHAPES) {
        // The last `days` days to today in the workspace's zone, as the bench asks everywhere.
        const sql = `select public.${fn}($1, $2::date - $3::int, $2::date, null, $4) as a`;
        const args = (source: string) => [target.workspace, target.today, days - 1, source];
        const samples = { before: [] as number[], after: [] as number[], mv: [] as number[] };
        const answers: Record<string, string> = {};
        for (let i = 0; i < runs; i++) {
          for (const side of i % 2 ? (['after', 'before'] as const) : (['before', 'after'] as const)) {
            await client.query(sides[side]);
            answers[side] = figuresOf((await client.query(sql, args('live'))).rows[0].a);
            samples[side].push(await timeIt(() => client.query(sql, args('live'))));
            samples.mv.push(await timeIt(() => client.query(sql, args('mv'))));
          }
        }
        if (answers.before !== answers.after) throw new Error(`${shape}, ${level} pending: the two sides answer differently`);
        const [before, after, mv] = [summarize(samples.before), summarize(samples.after), summarize(samples.mv)];
        const row = { pending: level, shape, live_before: before, live_after: after, mv,
          before_over_mv: round(before.median / mv.median), after_over_mv: round(after.median / mv.median) };
        console.log(`${level} pending, ${shape}: live ${before.median} ms before, ${after.median} ms after, mv ${mv.median} ms (${row.before_over_mv}x, ${row.after_over_mv}x)`);
        results.push(row);
      }
    }
    await client.query(sides.after);
    const file = path.join(PROJECT_ROOT, 'bench', 'results', `${new Date().toISOString().slice(0, 10)}-live-functions-${values.before}-${events}.json`);
    writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), command: `npx tsx bench/live-functions.ts ${process.argv.slice(2).join(' ')}`,
      events, workspace: target.workspace, runs, before: values.before, after: values.after ?? newest, results }, null, 2)}\n`);
    console.log(`results: ${path.relative(PROJECT_ROOT, file)}`);
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
