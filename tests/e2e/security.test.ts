// The browser's side of sign-in security, in a real Chromium against `next start` (production): the
// security headers and a Content-Security-Policy the pages actually pass (no violation while the
// dashboard and the login page load, hydrate and draw), the login page's `next` that must not lead
// elsewhere, the throttle's message, and the session cookie's flags. Supabase Auth (GoTrue) is faked
// at its HTTP edge (tests/support/fake-supabase-auth.ts).
import { randomInt, randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../../scripts/lib/browser';
import { signIn } from '../support/e2e-auth';
import { mintEs256 } from '../support/fake-supabase-auth';

const base = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium({ log: (line) => process.stderr.write(`[security e2e] ${line}\n`) });
});
afterAll(async () => {
  await browser?.close();
});

declare global {
  interface Window { __cspViolations?: string[] }
}

/** A context whose pages record every CSP violation (the event fires for each blocked script, style or frame). */
async function watchedContext(options: { role?: 'admin' | 'viewer'; clientIp?: string } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 }, locale: 'en-US',
    extraHTTPHeaders: options.clientIp ? { 'x-forwarded-for': options.clientIp } : {},
  });
  if (options.role) await signIn(context, options.role);
  // Init scripts are injected by the browser itself, outside the page's CSP.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolations?.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  // The attacker's site of the redirect payloads, answered here (no network, and the landing is visible).
  await context.route(/^https?:\/\/evil\.com\//, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>evil</h1>' }));
  return context;
}

/** Every violation the page saw: from the event listener and from the console. */
async function violations(page: Page, consoleLines: string[]): Promise<string[]> {
  return [...(await page.evaluate(() => window.__cspViolations ?? [])), ...consoleLines];
}

/**
 * The policy is enforced, not just sent: markup an XSS would inject (an inline event handler) is
 * blocked and reported. (A <script> element made by page.evaluate would not do: 'strict-dynamic'
 * trusts scripts that running scripts create, and the test's own code counts as one.)
 */
async function expectEnforced(page: Page): Promise<void> {
  const before = (await violations(page, [])).length;
  await page.evaluate(() => {
    const injected = document.createElement('div');
    injected.innerHTML = '<img src="/nowhere.png" onerror="document.title = \'pwned\'">';
    document.body.append(injected);
  });
  await expect.poll(async () => (await violations(page, [])).length).toBeGreaterThan(before);
  expect(await page.title()).not.toBe('pwned');
}

/** Fills the login page's password form (the caller submits it). */
async function fillPasswordForm(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.locator('[data-testid=password-form] input[name=email]').fill(user.email);
  await page.locator('[data-testid=password-form] input[name=password]').fill(user.password);
}
const submitPasswordForm = (page: Page) => page.locator('[data-testid=password-form] button[type=submit]').click();

function cspConsole(page: Page): string[] {
  const lines: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply|frame)/i.test(message.text())) lines.push(message.text());
  });
  return lines;
}

function expectSecurityHeaders(response: Response): void {
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp).toMatch(/frame-ancestors 'none'/);
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
  expect(csp).toMatch(/object-src 'none'/);
  expect(csp).toMatch(/base-uri 'none'/);
  expect(csp).toMatch(/form-action 'self'/);
  expect(csp).not.toMatch(/'unsafe-eval'/);
  expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d{8}/);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('same-origin');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
}

describe('security headers (next start)', () => {
  it.each(['/', '/login', '/api/dashboard/workspaces'])('%s carries HSTS, nosniff, a Referrer-Policy and a CSP that forbids framing', async (path) => {
    expectSecurityHeaders(await fetch(`${base}${path}`, { redirect: 'manual' }));
  });

  it.each(['/api/dashboard/workspaces', '/api/dashboard/aggregate?workspace_id=nowhere', '/api/dashboard/campaigns?workspace_id=nowhere'])(
    '%s asked with a bearer token and no cookie (the proxy does not run) carries the same headers, a fresh nonce each time', async (path) => {
      const user = { id: randomUUID(), email: `headers-${randomUUID().slice(0, 8)}@example.com` };
      const { token } = await mintEs256(inject('signingJwk'), user, { issuer: `${inject('supabaseUrl')}/auth/v1` });
      const ask = () => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      const [first, second] = [await ask(), await ask()];
      expect([first.status, second.status]).toEqual(path.includes('nowhere') ? [404, 404] : [200, 200]);
      expectSecurityHeaders(first);
      expectSecurityHeaders(second);
      const nonce = (response: Response) => /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')?.[1];
      expect(nonce(first)).not.toBe(nonce(second));
    });

  it('uses a fresh nonce on every response', async () => {
    const nonce = async () => /'nonce-([^']+)'/.exec((await fetch(`${base}/login`)).headers.get('content-security-policy') ?? '')?.[1];
    const [a, b] = [await nonce(), await nonce()];
    expect(a).toBeTruthy();
    expect(a).not.toBe(b);
  });
});

describe('the Content-Security-Policy in Chromium', () => {
  it('the dashboard loads, hydrates and draws its charts with no CSP violation', async () => {
    const context = await watchedContext({ role: 'admin' });
    const page = await context.newPage();
    const consoleLines = cspConsole(page);
    await page.goto(`${base}/`);
    await page.locator('[data-testid=dashboard][data-ready=true]').waitFor();
    await page.locator('[data-testid=trend-chart] .chart-line').first().waitFor();
    // Interactive means React hydrated: Next.js's scripts ran under the nonce.
    await page.locator('[data-testid=trend-chart] [data-interactive=true]').waitFor();
    await page.locator('[data-testid=trend-chart] .chart-plot').hover();
    expect(await violations(page, consoleLines)).toEqual([]);
    // Styles that were server-rendered as attributes still apply (the chart's plot has its height).
    expect(await page.locator('[data-testid=trend-chart] .chart-plot').evaluate((el) => el.getBoundingClientRect().height)).toBeGreaterThan(50);
    await expectEnforced(page);
    await context.close();
  });

  it('the login page loads and signs in with no CSP violation', async () => {
    const viewer = inject('viewer');
    const context = await watchedContext({ clientIp: `192.0.2.${randomInt(1, 250)}` });
    const page = await context.newPage();
    const consoleLines = cspConsole(page);
    await page.goto(`${base}/login`);
    await fillPasswordForm(page, viewer);
    expect(await violations(page, consoleLines)).toEqual([]);
    await expectEnforced(page);
    await submitPasswordForm(page);
    await page.locator('[data-testid=dashboard][data-ready=true]').waitFor();
    // The violation above was on the login page; the dashboard it led to has none.
    expect(await violations(page, [])).toEqual([]);
    await context.close();
  });
});

describe('the login page in Chromium (fake GoTrue)', () => {
  it.each(['/\t/evil.com', '/%09/evil.com', '/\\evil.com', '//evil.com', 'https://evil.com'])('with next=%j, signing in lands on this site, not on evil.com', async (next) => {
    // The admin here, the viewer elsewhere: each address may try only so often (the throttle).
    const admin = inject('admin');
    const context = await watchedContext({ clientIp: `192.0.2.${randomInt(1, 250)}` });
    const page = await context.newPage();
    await page.goto(`${base}/login?${new URLSearchParams({ next })}`);
    await fillPasswordForm(page, admin);
    await submitPasswordForm(page);
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 30_000 }).not.toBe('/login');
    await page.waitForLoadState();
    expect(new URL(page.url()).origin).toBe(base);
    await page.locator('[data-testid=dashboard][data-ready=true]').waitFor();
    await context.close();
  });

  it('keeps the session in a Secure, HttpOnly, SameSite=Lax cookie', async () => {
    const viewer = inject('viewer');
    const context = await watchedContext({ clientIp: `192.0.2.${randomInt(1, 250)}` });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await fillPasswordForm(page, viewer);
    await submitPasswordForm(page);
    await page.locator('[data-testid=dashboard][data-ready=true]').waitFor();
    const session = (await context.cookies()).filter((cookie) => cookie.name.startsWith('sb-'));
    expect(session.length).toBeGreaterThan(0);
    for (const cookie of session) expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
    await context.close();
  });

  it('shows a clear message when one client tried too often (429 with Retry-After)', async () => {
    const clientIp = `198.18.${randomInt(256)}.${randomInt(1, 250)}`;
    // The flood, from the same client address as the browser below (as the platform would report it).
    for (let i = 0; i < 25; i++) {
      await fetch(`${base}/auth/sign-in`, {
        method: 'POST', redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, 'x-forwarded-for': clientIp },
        body: new URLSearchParams({ email: `flood-${i}@example.com`, password: 'guess' }),
      });
    }
    const context = await watchedContext({ clientIp });
    const page = await context.newPage();
    const consoleLines = cspConsole(page);
    await page.goto(`${base}/login`);
    await fillPasswordForm(page, inject('viewer'));
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/auth/sign-in')),
      submitPasswordForm(page),
    ]);
    expect(response.status()).toBe(429);
    expect(Number(response.headers()['retry-after'])).toBeGreaterThan(0);
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/Too many sign-in attempts/);
    expect(await page.locator('body').textContent()).toMatch(/Try again in \d+ minutes?/);
    expect(await violations(page, consoleLines)).toEqual([]);
    await context.close();
  });
});
