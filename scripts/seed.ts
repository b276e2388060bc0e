// npm run seed -- --events N [--seed S] [--days D] [--reset]: adds deterministic demo data and
// refreshes the views.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { describeRefresh, refreshViews } from '../lib/admin/views';
import { createPostgresStore } from '../lib/db/postgres';
import { runCommand, UsageError } from './lib/cli';
import { resolveDatabase, withClient } from './lib/database';
import { seedDemoData } from './lib/demo-data';
import { assertMigrated } from './lib/migrate';
import { progress } from './lib/progress';
import { refuseRemoteWrite } from './lib/target-guard';

const HELP = `Usage: npm run seed -- [options]

Adds synthetic outreach data (email_events, llm_usage) to the database, then refreshes the
materialized views. Uses DATABASE_URL, or the embedded dev database under .data/. It applies no
migrations: a database without them is refused with a message to run \`npm run migrate\`.

Options:
  --events N   email events to add (default 200000)
  --seed S     random seed; the same seed and options give the same rows (default 42)
  --days D     days of history ending today, UTC (default 200)
  --reset      delete all existing email_events and llm_usage first
  --yes        allow a DATABASE_URL that is not on this machine (refused otherwise)
  --help       show this help`;

const OPTIONS = {
  events: { type: 'string', default: '200000' },
  seed: { type: 'string', default: '42' },
  days: { type: 'string', default: '200' },
  reset: { type: 'boolean', default: false },
  yes: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

runCommand('seed', HELP, async () => {
  let values;
  try {
    ({ values } = parseArgs({ options: OPTIONS }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const events = wholeNumber('--events', values.events);
  const seed = wholeNumber('--seed', values.seed);
  const days = wholeNumber('--days', values.days);
  if (days < 1) throw new UsageError('--days must be at least 1');

  const database = await resolveDatabase();
  try {
    refuseRemoteWrite(database.url, { yes: values.yes, action: values.reset ? 'empty and seed' : 'seed' });
    await assertMigrated(database.url, database.description);
    console.error(`Seeding ${events.toLocaleString('en-US')} events into ${database.description}`);
    // More new rows than old ones: rebuilding the views beats recomputing nearly every bucket.
    let rebuild = false;
    await withClient(database, async (client) => {
      if (values.reset) await resetData(client);
      const before = Number((await client.query('select count(*)::bigint as n from public.email_events')).rows[0].n);
      rebuild = events >= before;
      const bar = progress('email_events', events);
      const result = await seedDemoData(client, { events, seed, days, onProgress: (done) => bar.update(done) });
      bar.finish(`(+ ${result.llmCalls.toLocaleString('en-US')} llm_usage rows)`);
    });
    const store = createPostgresStore({ connectionString: database.url, max: 1 });
    try {
      const refreshed = await refreshViews(store, { full: rebuild });
      if (refreshed.status === 'refreshed') {
        console.error(`Refreshed views: ${describeRefresh(refreshed)}`);
      } else {
        console.error(`Views not refreshed now (${refreshed.reason}); the next scheduled refresh picks the data up.`);
      }
    } finally {
      await store.close();
    }
  } finally {
    await database.release();
  }
  return 0;
});

async function resetData(client: pg.Client): Promise<void> {
  await client.query('truncate public.email_events, public.llm_usage restart identity');
}

function wholeNumber(flag: string, raw: string | undefined): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new UsageError(`${flag} must be a whole number >= 0 (got "${raw}")`);
  return value;
}

