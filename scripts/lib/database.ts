// How the command-line tools (dev, seed, refresh, freshness, migrate) find a database: DATABASE_URL
// when set, otherwise the embedded dev database under .data/ (joining it if `npm run dev` already
// runs it, starting it for the duration of the command if not).
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres';
import { applyMigrations, PROJECT_ROOT } from './migrate';
import { databaseName } from './target-guard';

export const DEV_DATA_DIR = path.join(PROJECT_ROOT, '.data', 'postgres');
export const DEV_PORT = 54329;
const DEV_DATABASE = 'dashboard';

export interface ResolvedDatabase {
  url: string;
  description: string;
  /** True for DATABASE_URL: someone else's database, never migrated implicitly. */
  external: boolean;
  /** Stops the embedded server if this command started it; a no-op otherwise. */
  release: () => Promise<void>;
}

/** The URL of an embedded dev server already running on .data/postgres, if any. */
function runningDevServerUrl(): string | undefined {
  const pidFile = path.join(DEV_DATA_DIR, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return undefined;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  return `postgresql://postgres:postgres@127.0.0.1:${port}/${DEV_DATABASE}`;
}

/**
 * DATABASE_URL as it is (nothing is sent to it here), or the embedded dev database: joined if
 * `npm run dev` runs it, else started for the command. The embedded one is this checkout's own, so
 * it is migrated when started here (unless `migrateEmbedded: false`); DATABASE_URL never is.
 */
export async function resolveDatabase(options: { log?: (line: string) => void; migrateEmbedded?: boolean } = {}): Promise<ResolvedDatabase> {
  const log = options.log ?? (() => {});
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) {
    return { url: fromEnv, description: `DATABASE_URL (${databaseName(fromEnv)})`, external: true, release: async () => {} };
  }
  const running = runningDevServerUrl();
  if (running) {
    return { url: running, description: `embedded Postgres of npm run dev (${databaseName(running)})`, external: false, release: async () => {} };
  }
  const embedded: EmbeddedDatabase = await startEmbeddedPostgres({
    dataDir: DEV_DATA_DIR, port: DEV_PORT, persistent: true, database: DEV_DATABASE, log,
  });
  try {
    if (options.migrateEmbedded ?? true) await applyMigrations(embedded.url);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return { url: embedded.url, description: `embedded Postgres in .data/postgres (${databaseName(embedded.url)})`, external: false, release: embedded.stop };
}

/** Runs fn with one connected client, then disconnects and releases the database. */
export async function withClient<T>(database: ResolvedDatabase, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
