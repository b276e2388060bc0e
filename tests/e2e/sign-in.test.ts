// Sign-in in a real Chromium against `next start`, which requires it as production does. Supabase
// Auth (GoTrue) cannot run here: the server talks to a fake of its HTTP API (tests/support/
// fake-supabase-auth.ts) that signs real ES256 tokens; the server verifies them with its JWKS.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../../scripts/lib/browser';
import { signIn } from '../support/e2e-auth';

const base = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium({ log: (line) => process.stderr.write(`[sign-in e2e] ${line}
`) });
});
afterAll(async () => {
  await browser?.close();
});

async function newPage(role?: 'admin' | 'viewer'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  if (role) await signIn(context, role);
  return context.newPage();
}

const dashboardReady = (page: Page) => page.locator('[data-testid=dashboard][data-ready=true]').waitFor();

describe('signing in (next start; Supabase Auth faked at its HTTP edge)', () => {
  it('sends a signed-out visitor to /login, and the API answers 401', async () => {
    const page = await newPage();
    await page.goto(`${base}/?workspace_id=acme`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    await page.locator('[data-testid=password-form]').waitFor();
    expect(await page.locator('[data-testid=dashboard]').count()).toBe(0);
    await page.context().close();
    for (const path of ['/api/dashboard/aggregate?workspace_id=acme', '/api/dashboard/workspaces']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(401);
    }
  });

  it('signs in with email and password on the login page (fake GoTrue), shows the dashboard, and signs out', async () => {
    const viewer = inject('viewer');
    const page = await newPage();
    await page.goto(`${base}/login`);
    await page.locator('[data-testid=password-form] input[name=email]').fill(viewer.email);
    await page.locator('[data-testid=password-form] input[name=password]').fill(viewer.password);
    await page.locator('[data-testid=password-form] button[type=submit]').click();
    await dashboardReady(page);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.locator('[data-testid=account]').textContent()).toContain(viewer.email);
    // The session is an HttpOnly cookie: page scripts cannot read the token.
    expect(await page.evaluate(() => document.cookie)).not.toContain('auth-token');
    await page.locator('[data-testid=sign-out]').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    expect(await page.locator('[data-testid=login-message]').textContent()).toMatch(/signed out/);
    await page.goto(`${base}/`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    await page.context().close();
  });

  it('shows a wrong password as an error and stays signed out (fake GoTrue)', async () => {
    const page = await newPage();
    await page.goto(`${base}/login`);
    await page.locator('[data-testid=password-form] input[name=email]').fill(inject('viewer').email);
    await page.locator('[data-testid=password-form] input[name=password]').fill('not the password');
    await page.locator('[data-testid=password-form] button[type=submit]').click();
    await expect.poll(() => page.locator('[data-testid=login-message]').textContent()).toMatch(/Wrong email or password/);
    await page.goto(`${base}/`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    await page.context().close();
  });

  it('asks Supabase Auth for a magic link and says to check the inbox (fake GoTrue)', async () => {
    const page = await newPage();
    await page.goto(`${base}/login`);
    await page.locator('[data-testid=magic-link-form] input[name=email]').fill(inject('viewer').email);
    await page.locator('[data-testid=magic-link-form] button[type=submit]').click();
    await expect.poll(() => page.locator('[data-testid=login-message]').textContent()).toMatch(/Check your inbox/);
    await page.context().close();
  });

  it('shows an admin "Refresh now", which refreshes through the server and shows the outcome', async () => {
    const page = await newPage('admin');
    await page.goto(`${base}/`);
    await dashboardReady(page);
    await page.locator('[data-testid=refresh-now]').click();
    await expect.poll(() => page.locator('[data-testid=refresh-outcome]').getAttribute('data-outcome'), { timeout: 60_000 }).toBe('done');
    expect(await page.locator('[data-testid=refresh-outcome]').textContent()).toMatch(/Views refreshed in [\d.]+ s/);
    await page.context().close();
  });

  it('shows a viewer the dashboard without a refresh button', async () => {
    const page = await newPage('viewer');
    await page.goto(`${base}/`);
    await dashboardReady(page);
    expect(await page.locator('[data-testid=kpi-sends-value]').textContent()).toMatch(/\d/);
    expect(await page.locator('[data-testid=refresh-now]').count()).toBe(0);
    await page.context().close();
  });

  it('does not serve the development sign-in from a production build', async () => {
    const response = await fetch(`${base}/auth/dev-sign-in`, { redirect: 'manual' });
    expect(response.status).toBe(404);
    expect(response.headers.get('set-cookie')).toBeNull();
  });
});
