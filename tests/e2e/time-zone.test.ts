// The workspace's zone on the page, in a real Chromium against `next start` on the seeded data: an
// admin picks a zone from the list beside the range (an unknown one is refused and named), the server
// and the database agree at once, the page's days (source mv, the server's default) follow at the
// next refresh; a viewer sees the zone but cannot change it, not even by calling the API from the page.
// Works on `stark`, which no other browser test reads, and puts its zone and views back afterwards.
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatDay } from '../../lib/dashboard/format';
import type { DashboardResponse, WorkspaceTimeZone } from '../../lib/dashboard/response';
import { launchChromium } from '../../scripts/lib/browser';
import { bearerOf, signIn } from '../support/e2e-auth';

const base = inject('baseUrl');
const WORKSPACE = 'stark';
const NEW_ZONE = 'Asia/Kathmandu';
let browser: Browser;
let db: pg.Client;
let original: string;

const settingOf = async () =>
  (await db.query('select time_zone from public.workspace_settings where workspace_id = $1', [WORKSPACE])).rows[0]?.time_zone as string | undefined;

async function api<T>(path: string, params: Record<string, string>): Promise<T> {
  const response = await fetch(`${base}/api/dashboard/${path}?${new URLSearchParams({ workspace_id: WORKSPACE, ...params })}`, { headers: await bearerOf('admin') });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}
const zoneOfWorkspace = () => api<WorkspaceTimeZone>('time-zone', {});
const answerZone = async (source: 'mv' | 'live') => (await api<DashboardResponse>('aggregate', { source, range: '7d' })).time_zone;

async function refreshViews(): Promise<void> {
  const response = await fetch(`${base}/api/admin/refresh-views`, { method: 'POST', headers: { 'x-refresh-token': inject('refreshToken') } });
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  browser = await launchChromium({ log: (line) => process.stderr.write(`[time-zone e2e] ${line}\n`) });
  db = new pg.Client({ connectionString: inject('databaseUrl') });
  await db.connect();
  const before = await zoneOfWorkspace();
  original = before.time_zone;
  expect(before).toMatchObject({ views_time_zone: original, rebuild_pending: false });
  expect(original).not.toBe(NEW_ZONE);
});

afterAll(async () => {
  // Back as the seed left it, views included, whatever happened above.
  if (db && original) {
    await db.query('select public.dashboard_set_time_zone($1, $2)', [WORKSPACE, original]);
    await refreshViews();
    expect(await zoneOfWorkspace()).toEqual({ workspace_id: WORKSPACE, time_zone: original, views_time_zone: original, rebuild_pending: false });
  }
  await db?.end();
  await browser?.close();
});

interface Opened { page: Page; errors: string[] }

async function open(role: 'admin' | 'viewer'): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'en-US' });
  await signIn(context, role);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // The refusals this test provokes on purpose are logged by Chromium as failed loads.
    if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 40[03]/.test(message.text())) errors.push(message.text());
  });
  await page.goto(`${base}/?workspace_id=${WORKSPACE}&range=7d`);
  await page.locator('[data-testid=dashboard][data-ready=true]').waitFor();
  return { page, errors };
}

async function close({ page, errors }: Opened) {
  await page.context().close();
  expect(errors).toEqual([]);
}

const shownZone = (page: Page) => page.locator('[data-testid=shown-range] [data-testid=time-zone-name]').textContent();

describe('the time zone beside the range', () => {
  it('an admin changes it: an unknown zone is refused, a known one saved; the API agrees at once and the page\'s days follow the refresh', async () => {
    const opened = await open('admin');
    const { page } = opened;
    expect(await shownZone(page)).toBe(original);

    await page.locator('[data-testid=time-zone-change]').click();
    const input = page.locator('[data-testid=time-zone-input]');
    await input.waitFor();
    // The list is every zone the server accepts, each with the time there now.
    await expect.poll(() => page.locator('[data-testid=time-zone] datalist option').count()).toBeGreaterThan(300);
    expect(await page.locator(`[data-testid=time-zone] datalist option[value="${NEW_ZONE}"]`).getAttribute('label')).toMatch(/^Asia\/Kathmandu · \d{2}:\d{2} now$/);

    await input.fill('EDT');
    await page.locator('[data-testid=time-zone-save]').click();
    await expect.poll(() => page.locator('[data-testid=time-zone-error]').textContent()).toMatch(/unknown time zone "EDT"/);
    expect(await settingOf()).toBe(original);

    await input.fill(NEW_ZONE);
    await page.locator('[data-testid=time-zone-save]').click();
    await expect.poll(() => page.locator('[data-testid=time-zone-saved]').textContent()).toContain(`Days are now cut in ${NEW_ZONE}`);
    expect(await page.locator('[data-testid=time-zone-input]').count()).toBe(0);
    expect(await settingOf()).toBe(NEW_ZONE);
    expect(await zoneOfWorkspace()).toEqual({ workspace_id: WORKSPACE, time_zone: NEW_ZONE, views_time_zone: original, rebuild_pending: true });
    expect(await answerZone('live')).toBe(NEW_ZONE);
    // The page reads the views (source mv): its days, and the zone said beside them, are the views'
    // until the next refresh rebuilds the workspace.
    expect(await answerZone('mv')).toBe(original);
    expect(await shownZone(page)).toBe(original);

    await page.locator('[data-testid=refresh-now]').click();
    await expect.poll(() => page.locator('[data-testid=refresh-outcome]').getAttribute('data-outcome'), { timeout: 60_000 }).toBe('done');
    await expect.poll(() => shownZone(page), { timeout: 15_000 }).toBe(NEW_ZONE);
    expect(await zoneOfWorkspace()).toEqual({ workspace_id: WORKSPACE, time_zone: NEW_ZONE, views_time_zone: NEW_ZONE, rebuild_pending: false });
    const week = await api<DashboardResponse>('aggregate', { range: '7d' });
    expect(week.time_zone).toBe(NEW_ZONE);
    // The range said beside the zone is the answer's: the 7 days ending on today in the new zone.
    const days = `${formatDay(week.from, { year: true, locale: 'en-US' })} – ${formatDay(week.to, { year: true, locale: 'en-US' })}`;
    await expect.poll(() => page.locator('[data-testid=shown-range]').textContent()).toContain(`${days} · ${NEW_ZONE}`);

    // A new visit renders the new zone from the server.
    await page.reload();
    await page.locator('[data-testid=dashboard][data-ready=true]').waitFor();
    expect(await shownZone(page)).toBe(NEW_ZONE);
    await page.screenshot({ path: 'test-results/time-zone-admin.png' });
    await close(opened);
  });

  it('a viewer sees the zone but has no way to change it, and the API refuses the page\'s own PUT', async () => {
    const zone = (await zoneOfWorkspace()).time_zone;
    const opened = await open('viewer');
    const { page } = opened;
    expect(await shownZone(page)).toBe(zone);
    expect(await page.locator('[data-testid=time-zone-change]').count()).toBe(0);
    expect(await page.locator('[data-testid=time-zone-input]').count()).toBe(0);
    const attempt = await page.evaluate(async (workspace) => {
      const response = await fetch(`/api/dashboard/time-zone?workspace_id=${workspace}`, {
        method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ time_zone: 'Europe/Berlin' }),
      });
      return { status: response.status, body: (await response.json()) as { error: string } };
    }, WORKSPACE);
    expect(attempt.status).toBe(403);
    expect(attempt.body.error).toMatch(/admin/i);
    expect(await settingOf()).toBe(zone);
    await close(opened);
  });
});
