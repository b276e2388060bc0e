// How the command-line tools (seed, refresh, freshness, bench) find a database: DATABASE_URL when
// set, otherwise the embedded dev database under .data/ (joining it if `npm run dev` already runs it,
// starting it for the duration of the command if not).
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres';
import { applyMigrations, PROJECT_ROOT } from './migrate';

export const DEV_DATA_DIR = path.join(PROJECT_ROOT, '.data', 'postgres');
export const DEV_PORT = 54329;
const DEV_DATABASE = 'dashboard';

export interface ResolvedDatabase {
  url: string;
  description: string;
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

export async function resolveDatabase(options: { log?: (line: string) => void; migrate?: boolean } = {}): Promise<ResolvedDatabase> {
  const log = options.log ?? (() => {});
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) {
    if (options.migrate) await applyMigrations(fromEnv);
    return { url: fromEnv, description: `DATABASE_URL (${redact(fromEnv)})`, release: async () => {} };
  }
  const running = runningDevServerUrl();
  if (running) {
    if (options.migrate) await applyMigrations(running);
    return { url: running, description: `embedded Postgres of npm run dev (${redact(running)})`, release: async () => {} };
  }
  const embedded: EmbeddedDatabase = await startEmbeddedPostgres({
    dataDir: DEV_DATA_DIR, port: DEV_PORT, persistent: true, database: DEV_DATABASE, log,
  });
  await applyMigrations(embedded.url);
  return { url: embedded.url, description: `embedded Postgres in .data/postgres (${redact(embedded.url)})`, release: embedded.stop };
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

export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
