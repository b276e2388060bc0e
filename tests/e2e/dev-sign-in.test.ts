// `npm run dev` signs you in as its demo user: the dev launcher (scripts/dev.ts) on the test
// database, `next dev` behind it, and a real Chromium that opens the dashboard with no sign-in step.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../scripts/lib/embedded-postgres';
import { launchChromium } from '../../scripts/lib/browser';
import { PROJECT_ROOT } from '../../scripts/lib/migrate';

let browser: Browser;
let dev: ChildProcess;
let output = '';
let base = '';

beforeAll(async () => {
  const port = await freePort();
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

describe('npm run dev', () => {
  it('signs the demo user in (dev sign-in) and shows the demo workspaces, with Refresh now for this admin', async () => {
    expect(output).toContain('npm run members -- add <email-or-user-id> <workspace> [--role admin]');
    expect(output).toMatch(/signed in automatically as demo@example\.com/);
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
