// `npm run dev` signs you in as its demo user: the dev launcher (scripts/dev.ts) on the test
// database, `next dev` behind it, and a real Chromium that opens the dashboard with no sign-in step.
// The dev sign-in hands out an admin session, so the server must not be reachable from the network,
// and the launcher must not write its demo memberships into a database that is not its own.
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../scripts/lib/embedded-postgres';
import { launchChromium } from '../../scripts/lib/browser';
import { DEMO_WORKSPACES } from '../../scripts/lib/demo-data';
import { addMember } from '../../scripts/lib/members';
import { PROJECT_ROOT } from '../../scripts/lib/migrate';

let browser: Browser;
let dev: ChildProcess;
let output = '';
let base = '';
let port = 0;

beforeAll(async () => {
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: inject('databaseUrl'), NEXT_TELEMETRY_DISABLED: '1' };
  for (const name of ['SUPABASE_URL', 'SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_JWT_SECRET', 'SUPABASE_ANON_KEY', 'DASHBOARD_AUTH', 'NODE_ENV']) delete env[name];
  dev = spawn(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/dev.ts', '--port', String(port), '--no-seed', '--refresh-every', '3600'], {
    cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  dev.stdout?.on('data', (chunk) => (output += chunk));
  dev.stderr?.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (dev.exitCode !== null) throw new Error(`npm run dev exited with ${dev.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm run dev did not answer within 240 s:\n${output}`);
    const ok = await fetch(`${base}/login`, { signal: AbortSignal.timeout(120_000) }).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  browser = await launchChromium({ log: (line) => process.stderr.write(`[dev sign-in e2e] ${line}
`) });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (dev?.pid && dev.exitCode === null) {
    const exited = new Promise((resolve) => dev.once('exit', resolve));
    process.kill(-dev.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (dev.exitCode === null) process.kill(-dev.pid, 'SIGKILL');
  }
});

/** The demo user's id, as the launcher prints it. */
const demoUser = () => /signed in automatically as demo@example\.com \(user ([0-9a-f-]{36})/.exec(output)?.[1] ?? '';

/** This machine's addresses that other machines can reach (not loopback). */
const networkAddresses = () => Object.values(os.networkInterfaces()).flatMap((list) => list ?? [])
  .filter((a) => !a.internal && !a.address.startsWith('fe80:'))
  .map((a) => (a.family === 'IPv6' ? `[${a.address}]` : a.address));

describe('npm run dev', () => {
  it('listens on 127.0.0.1 only, and says so', async (context) => {
    expect(output).toContain(`http://127.0.0.1:${port}`);
    expect(output).toMatch(/only this machine.*--host/i);
    const addresses = networkAddresses();
    if (addresses.length === 0) context.skip('this machine has no non-loopback address to try the dev server from');
    for (const address of addresses) {
      const reached = await fetch(`http://${address}:${port}/auth/dev-sign-in`, { redirect: 'manual', signal: AbortSignal.timeout(10_000) })
        .then((response) => `answered ${response.status}`, (error: Error) => `refused (${(error.cause as { code?: string } | undefined)?.code ?? error.message})`);
      expect(reached, address).toMatch(/^refused \((ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH|EHOSTUNREACH)\)/);
    }
  });

  it('writes no demo membership into a DATABASE_URL database (only into its own embedded one)', async () => {
    expect(output).toMatch(/not the embedded database: the demo user gets no workspace/);
    const db = new pg.Client({ connectionString: inject('databaseUrl') });
    await db.connect();
    try {
      const { rows } = await db.query('select count(*)::int as n from public.workspace_members where user_id = $1', [demoUser()]);
      expect(rows[0].n).toBe(0);
    } finally {
      await db.end();
    }
  });

  it('signs the demo user in (dev sign-in) and shows the demo workspaces, with Refresh now for this admin', async () => {
    expect(output).toContain('npm run members -- add <email-or-user-id> <workspace> [--role admin]');
    expect(output).toMatch(/signed in automatically as demo@example\.com/);
    // What the launcher no longer does on a database that is not its own (see above): the test makes
    // the demo user an admin of the demo workspaces itself.
    const db = new pg.Client({ connectionString: inject('databaseUrl') });
    await db.connect();
    try {
      for (const workspace of DEMO_WORKSPACES) await addMember(db, demoUser(), workspace, 'admin');
    } finally {
      await db.end();
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/`);
    await page.locator('[data-testid=dashboard][data-ready=true]').waitFor({ timeout: 180_000 });
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.locator('[data-testid=account]').textContent()).toContain('demo@example.com');
    expect(await page.locator('[data-testid=filter-workspace]').inputValue()).toBe('acme');
    expect(await page.locator('[data-testid=refresh-now]').count()).toBe(1);
    // Signing out leads to the login page, which offers the dev sign-in again.
    await page.locator('[data-testid=sign-out]').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    await page.locator('[data-testid=dev-sign-in]').click();
    await page.locator('[data-testid=dashboard][data-ready=true]').waitFor({ timeout: 60_000 });
    await page.close();
  }, 300_000);
});
