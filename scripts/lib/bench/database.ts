// The benchmark's database: a throwaway embedded Postgres in .data/bench (kept with --keep), or
// DATABASE_URL, which is only ever added to unless --reset empties its event tables. DATABASE_URL
// must be migrated already (npm run migrate) and, when not on this machine, confirmed with --yes.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../embedded-postgres';
import { applyMigrations, assertMigrated, PROJECT_ROOT } from '../migrate';
import { databaseName, refuseRemoteWrite } from '../target-guard';

export const BENCH_DATA_DIR = path.join(PROJECT_ROOT, '.data', 'bench');

export interface BenchDatabase {
  url: string;
  /** 'embedded' or 'DATABASE_URL', for the results file. */
  kind: 'embedded' | 'DATABASE_URL';
  close: () => Promise<void>;
}

export async function openBenchDatabase(options: { keep: boolean; reset: boolean; yes: boolean; log: (line: string) => void }): Promise<BenchDatabase> {
  const external = process.env.DATABASE_URL;
  if (external) {
    refuseRemoteWrite(external, { yes: options.yes, action: options.reset ? 'empty and fill with benchmark data' : 'fill with benchmark data' });
    await assertMigrated(external, `DATABASE_URL (${databaseName(external)})`);
    if (options.reset) {
      options.log('--reset: emptying email_events and llm_usage in DATABASE_URL');
      await withClient(external, async (client) => {
        await client.query('truncate public.email_events, public.llm_usage');
        await client.query('select public.refresh_dashboard_views()');
      });
    }
    return { url: external, kind: 'DATABASE_URL', close: async () => {} };
  }
  // Throwaway unless kept: a kept database is grown by the next --keep run instead of re-seeded.
  if (!options.keep || options.reset) fs.rmSync(BENCH_DATA_DIR, { recursive: true, force: true });
  else if (fs.existsSync(BENCH_DATA_DIR)) options.log(`reusing the database kept in ${path.relative(PROJECT_ROOT, BENCH_DATA_DIR)}`);
  const embedded = await startEmbeddedPostgres({ dataDir: BENCH_DATA_DIR, persistent: true, database: 'bench' });
  try {
    await applyMigrations(embedded.url);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return {
    url: embedded.url,
    kind: 'embedded',
    close: async () => {
      await embedded.stop();
      if (!options.keep) fs.rmSync(BENCH_DATA_DIR, { recursive: true, force: true });
    },
  };
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
