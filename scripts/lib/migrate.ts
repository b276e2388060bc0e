// Applies supabase/migrations/*.sql with the real Supabase CLI, the same way production does, and
// tells whether a database has them all (only `npm run migrate` and the embedded dev database's own
// start-up apply them; other commands check and say what to run).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Runs `supabase migration up --db-url <url> --yes`; throws with the CLI's own output on failure.
 * `before`: only the migrations older than that version (a database deployed behind its app, for
 * tests), applied by the same CLI from a project directory holding just those files.
 */
export async function applyMigrations(databaseUrl: string, options: { before?: string } = {}): Promise<string> {
  const url = withLocalSslDisabled(databaseUrl);
  const cli = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'supabase');
  const workdir = options.before === undefined ? PROJECT_ROOT : projectWithMigrationsBefore(options.before);
  try {
    const { stdout, stderr } = await run(
      cli,
      ['migration', 'up', '--db-url', url, '--yes', '--workdir', workdir],
      { cwd: workdir, env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' }, timeout: 180_000 },
    );
    return `${stdout}${stderr}`;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`supabase migration up failed:\n${failure.stderr || failure.stdout || failure.message}`);
  } finally {
    if (workdir !== PROJECT_ROOT) fs.rmSync(workdir, { recursive: true, force: true });
  }
}

/** A throwaway Supabase project directory with copies of the migrations older than `version`. */
function projectWithMigrationsBefore(version: string): string {
  if (!/^\d{14}$/.test(version)) throw new Error(`Not a migration version: ${version}`);
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-migrations-'));
  const target = path.join(workdir, 'supabase', 'migrations');
  fs.mkdirSync(target, { recursive: true });
  for (const file of migrationFiles().filter((name) => migrationVersion(name) < version)) {
    fs.copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(target, file));
  }
  return workdir;
}

/** The version (timestamp) of a migration file name. */
export function migrationVersion(file: string): string {
  return file.split('_')[0] ?? '';
}

/** The CLI insists on TLS unless told otherwise; a server on this machine usually has none. */
function withLocalSslDisabled(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const local = ['localhost', '127.0.0.1', '[::1]', ''].includes(url.hostname);
  if (local && !url.searchParams.has('sslmode')) url.searchParams.set('sslmode', 'disable');
  return url.toString();
}

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'supabase', 'migrations');

/** The migration files of this checkout, oldest first. */
export function migrationFiles(): string[] {
  return fs.readdirSync(MIGRATIONS_DIR).filter((file) => /^\d+_.+\.sql$/.test(file)).sort();
}

/**
 * The migration files a database has not recorded as applied. The Supabase CLI records each
 * version in supabase_migrations.schema_migrations (`migration up` here, `db push` on Supabase).
 */
async function pendingMigrations(client: pg.ClientBase): Promise<string[]> {
  const { rows: [tracking] } = await client.query(`select to_regclass('supabase_migrations.schema_migrations') is not null as exists`);
  const applied = new Set<string>();
  if (tracking?.exists) {
    const { rows } = await client.query<{ version: string }>('select version from supabase_migrations.schema_migrations');
    for (const row of rows) applied.add(row.version);
  }
  return migrationFiles().filter((file) => !applied.has(migrationVersion(file)));
}

/** Throws, naming the command to run, unless the database has every migration of this checkout. */
export async function assertMigrated(databaseUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let pending: string[];
  try {
    pending = await pendingMigrations(client);
  } finally {
    await client.end();
  }
  if (pending.length === 0) return;
  const all = pending.length === migrationFiles().length;
  throw new Error(all
    ? `${name} has no dashboard schema yet: run \`npm run migrate\` first (or \`npx supabase db push\` for a Supabase project).`
    : `${name} is missing ${pending.length} migration(s) (${pending.join(', ')}): run \`npm run migrate\` first.`);
}
