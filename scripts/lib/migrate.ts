// Applies supabase/migrations/*.sql with the real Supabase CLI, the same way production does.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs `supabase migration up --db-url <url> --yes`; throws with the CLI's own output on failure. */
export async function applyMigrations(databaseUrl: string): Promise<string> {
  const url = withLocalSslDisabled(databaseUrl);
  const cli = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'supabase');
  try {
    const { stdout, stderr } = await run(
      cli,
      ['migration', 'up', '--db-url', url, '--yes', '--workdir', PROJECT_ROOT],
      { cwd: PROJECT_ROOT, env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' }, timeout: 180_000 },
    );
    return `${stdout}${stderr}`;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`supabase migration up failed:\n${failure.stderr || failure.stdout || failure.message}`);
  }
}

/** The CLI insists on TLS unless told otherwise; a server on this machine usually has none. */
function withLocalSslDisabled(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const local = ['localhost', '127.0.0.1', '[::1]', ''].includes(url.hostname);
  if (local && !url.searchParams.has('sslmode')) url.searchParams.set('sslmode', 'disable');
  return url.toString();
}
