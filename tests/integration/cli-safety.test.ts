// The command-line tools as an operator runs them: a DATABASE_URL elsewhere is refused by every
// command that inserts, truncates or migrates unless --yes (naming host/dbname, never the password),
// and only `npm run migrate` migrates: seed and refresh ask for it instead of doing it silently.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_SCHEMA_VERSION } from '../../lib/db/schema-version';
import { applyMigrations, migrationFiles, PROJECT_ROOT } from '../../scripts/lib/migrate';
import { connect, databaseUrl } from '../support/db';

const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const REMOTE = 'postgresql://admin:s3cret-pa55@db.example.invalid:5432/production';

interface Run { code: number | null; stdout: string; stderr: string }

function run(script: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(TSX, [path.join('scripts', script), ...args], {
      cwd: PROJECT_ROOT, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env }, timeout: 240_000,
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

describe('commands that write, against a DATABASE_URL that is not on this machine', () => {
  const refusals: Array<[string, string[], string]> = [
    ['seed.ts', ['--events', '100'], 'Refusing to seed db.example.invalid/production'],
    ['seed.ts', ['--events', '100', '--reset'], 'Refusing to empty and seed db.example.invalid/production'],
    ['migrate.ts', [], 'Refusing to migrate db.example.invalid/production'],
    ['bench.ts', ['--events', '1000', '--no-http'], 'Refusing to fill with benchmark data db.example.invalid/production'],
  ];
  for (const [script, args, message] of refusals) {
    it(`${script} ${args.join(' ')} refuses without --yes, naming host/dbname but not the password`, async () => {
      const result = await run(script, args, { DATABASE_URL: REMOTE });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain('--yes');
      expect(result.stdout + result.stderr).not.toContain('s3cret-pa55');
    });
  }

  for (const script of ['seed.ts', 'bench.ts']) {
    it(`${script} goes past the guard with --yes (and then fails only because that host does not exist)`, async () => {
      const result = await run(script, script === 'bench.ts' ? ['--events', '1000', '--no-http', '--yes'] : ['--events', '100', '--yes'], { DATABASE_URL: REMOTE });
      expect(result.code).toBe(1);
      expect(result.stderr).not.toContain('Refusing');
      expect(result.stderr).toMatch(/ENOTFOUND|EAI_AGAIN|getaddrinfo/);
      expect(result.stdout + result.stderr).not.toContain('s3cret-pa55');
    });
  }
});

describe('migrations only through npm run migrate', () => {
  let admin: pg.Client;
  const name = `cli_empty_${randomUUID().slice(0, 8)}`;
  const emptyUrl = (() => {
    const url = new URL(databaseUrl());
    url.pathname = `/${name}`;
    return url.toString();
  })();

  beforeAll(async () => {
    admin = await connect();
    await admin.query(`create database ${name}`);
  });
  afterAll(async () => {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  async function hasSchema(): Promise<boolean> {
    const target = new pg.Client({ connectionString: emptyUrl });
    await target.connect();
    try {
      const { rows } = await target.query(`select to_regclass('public.email_events') is not null as present`);
      return rows[0].present as boolean;
    } finally {
      await target.end();
    }
  }

  it('seed, refresh and dev refuse a database without the schema, saying to run npm run migrate, and change nothing', async () => {
    const seed = await run('seed.ts', ['--events', '100', '--days', '3', '--yes'], { DATABASE_URL: emptyUrl });
    expect(seed.code).toBe(1);
    expect(seed.stderr).toContain(`DATABASE_URL (${new URL(emptyUrl).hostname}/${name}) has no dashboard schema yet: run \`npm run migrate\``);
    const refresh = await run('refresh.ts', [], { DATABASE_URL: emptyUrl });
    expect(refresh.code).toBe(1);
    expect(refresh.stderr).toContain('run `npm run migrate`');
    // npm run dev migrates only its own embedded database; a DATABASE_URL one it checks.
    const dev = await run('dev.ts', ['--port', '1'], { DATABASE_URL: emptyUrl });
    expect(dev.code).toBe(1);
    expect(dev.stderr).toContain('run `npm run migrate`');
    expect(await hasSchema()).toBe(false);
  });

  it('npm run migrate applies them; then refresh and seed work', async () => {
    const migrate = await run('migrate.ts', ['--yes'], { DATABASE_URL: emptyUrl });
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(await hasSchema()).toBe(true);
    const again = await run('migrate.ts', ['--yes'], { DATABASE_URL: emptyUrl });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout + again.stderr).toMatch(/up to date/i);
    const refresh = await run('refresh.ts', [], { DATABASE_URL: emptyUrl });
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(refresh.stdout).toMatch(/^total\s+0\s+0\s+[\d.]+$/m);
    const seed = await run('seed.ts', ['--events', '200', '--days', '3', '--yes'], { DATABASE_URL: emptyUrl });
    expect(seed.code, seed.stderr).toBe(0);
    expect(seed.stderr).toContain('Refreshed views');
  });
});

describe('npm run dev on a DATABASE_URL database behind the app', () => {
  it('names the missing migration and `npm run migrate` before anything starts, and stops', async () => {
    const admin = await connect();
    const name = `cli_behind_${randomUUID().slice(0, 8)}`;
    const url = new URL(databaseUrl());
    url.pathname = `/${name}`;
    await admin.query(`create database ${name}`);
    try {
      await applyMigrations(url.toString(), { before: APP_SCHEMA_VERSION });
      const missing = migrationFiles().filter((file) => file >= APP_SCHEMA_VERSION);
      const dev = await run('dev.ts', ['--port', '1'], { DATABASE_URL: url.toString() });
      expect(dev.code).toBe(1);
      expect(dev.stderr).toContain(`is missing ${missing.length} migration(s) (${missing.join(', ')}): run \`npm run migrate\` first`);
      expect(dev.stdout).not.toContain('Next.js');
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
