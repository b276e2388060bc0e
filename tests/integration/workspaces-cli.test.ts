// npm run workspaces -- time-zone <workspace> [zone], run as the operator runs it (tsx, DATABASE_URL)
// against the real Postgres of the test run: it prints and sets the zone, says when the views wait
// for the next refresh, and its exit codes mean 0 done, 2 usage error or unknown zone (nothing
// changed), 1 failed.
import { execFile } from 'node:child_process';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/lib/migrate';
import { connect, databaseUrl, insertEvents, refreshViewsNow, uniqueWorkspace } from '../support/db';

interface Run { code: number | null; stdout: string; stderr: string }

function workspaces(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/workspaces.ts', ...args], {
      cwd: PROJECT_ROOT, env: { ...process.env, DATABASE_URL: databaseUrl(), ...env }, timeout: 120_000,
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

let client: pg.Client;
/** Refreshed with data: a change waits for the next refresh. */
const ws = uniqueWorkspace('tz-cli');
/** No data: never in the views. */
const empty = uniqueWorkspace('tz-cli-empty');

const settingOf = async (workspace: string) =>
  (await client.query('select time_zone from public.workspace_settings where workspace_id = $1', [workspace])).rows[0]?.time_zone as string | undefined;

beforeAll(async () => {
  client = await connect();
  await insertEvents(client, [{ workspace_id: ws, event_ts: '2025-06-01T12:00:00Z' }]);
  await refreshViewsNow(client);
});
afterAll(async () => {
  await client?.end();
});

describe('npm run workspaces -- time-zone', () => {
  it('prints UTC for a workspace without a zone, and sets one (exit 0) that workspace_settings then holds', async () => {
    expect(await workspaces(['time-zone', empty])).toMatchObject({ code: 0, stdout: `${empty}: UTC\n` });
    const set = await workspaces(['time-zone', empty, 'Asia/Kolkata']);
    expect(set).toMatchObject({ code: 0, stdout: `${empty}: Asia/Kolkata\n` });
    expect(await settingOf(empty)).toBe('Asia/Kolkata');
    expect(await workspaces(['time-zone', empty])).toMatchObject({ code: 0, stdout: `${empty}: Asia/Kolkata\n` });
  });

  it('says the views keep the old zone until the next refresh, and stops saying it after one', async () => {
    const set = await workspaces(['time-zone', ws, 'America/New_York']);
    expect(set.code).toBe(0);
    expect(set.stdout).toBe(`${ws}: America/New_York (its views are still cut in UTC until the next refresh)\n`
      + 'The next refresh rebuilds its views in this zone (npm run refresh to do it now).\n');
    expect(await settingOf(ws)).toBe('America/New_York');
    expect((await workspaces(['time-zone', ws])).stdout).toBe(`${ws}: America/New_York (its views are still cut in UTC until the next refresh)\n`);
    await refreshViewsNow(client);
    expect(await workspaces(['time-zone', ws])).toMatchObject({ code: 0, stdout: `${ws}: America/New_York\n` });
  });

  it.each(['EDT', 'UTC+5', 'Mars/Olympus_Mons'])('refuses the unknown zone %s with exit 2, the help, and changes nothing', async (zone) => {
    const before = await settingOf(ws);
    const result = await workspaces(['time-zone', ws, zone]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`unknown time zone "${zone}"`);
    expect(result.stderr).toContain('nothing was changed');
    expect(result.stderr).toContain('Usage:');
    expect(result.stdout).toBe('');
    expect(await settingOf(ws)).toBe(before);
    expect(await settingOf(uniqueWorkspace('tz-cli-never'))).toBeUndefined();
  });

  it.each([
    ['no command', []],
    ['an unknown command', ['frobnicate', ws]],
    ['no workspace', ['time-zone']],
    ['too many arguments', ['time-zone', ws, 'Asia/Tokyo', 'Europe/Paris']],
    ['an unknown option', ['time-zone', ws, 'Asia/Tokyo', '--force']],
  ])('exits 2 with the help for %s, changing nothing', async (_, args) => {
    const before = await settingOf(ws);
    const result = await workspaces(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage:');
    expect(await settingOf(ws)).toBe(before);
  });

  it('exits 0 with the help for --help', async () => {
    const result = await workspaces(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('npm run workspaces -- time-zone <workspace> <zone>');
    expect(result.stdout).toContain('Exit codes');
  });

  it('exits 1 with one line naming the failure when the database cannot be reached', async () => {
    const result = await workspaces(['time-zone', ws, 'Asia/Tokyo'], { DATABASE_URL: 'postgresql://postgres:postgres@127.0.0.1:1/nowhere' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^workspaces failed: /m);
    expect(result.stderr).not.toContain('Usage:');
    expect(await settingOf(ws)).toBe('America/New_York');
  });
});
