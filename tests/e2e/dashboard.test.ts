// The dashboard in a real Chromium against `next start` on seeded data: the numbers a person sees
// are the API's numbers, the filters live in the URL, and a stale view shows its warning.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addDays } from '../../lib/dashboard/days';
import { formatCount, formatDay, formatRate, formatUsd } from '../../lib/dashboard/format';
import type { DashboardResponse } from '../../lib/dashboard/response';
import { launchChromium } from '../../scripts/lib/browser';
import { bearerOf, signIn } from '../support/e2e-auth';

const base = inject('baseUrl');
const SCREENSHOTS = path.resolve('test-results');
let browser: Browser;

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchChromium({ log: (line) => process.stderr.write(`[dashboard e2e] ${line}\n`) });
});
afterAll(async () => {
  await browser?.close();
});

/** A UTC day relative to today (the seeded data ends today). */
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** Errors the page logged (a hydration mismatch shows up here); each test expects none. */
const pageErrors = new WeakMap<Page, string[]>();

async function openDashboard(
  search = '',
  options: { viewport?: { width: number; height: number }; locale?: string; colorScheme?: 'light' | 'dark' } = {},
): Promise<Page> {
  const { viewport = { width: 1440, height: 1000 }, locale = 'en-US', colorScheme = 'light' } = options;
  // Signed in as a member (admin) of every demo workspace.
  const context = await browser.newContext({ viewport, locale, colorScheme });
  await signIn(context, 'admin');
  const page = await context.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${base}/${search}`);
  await page.locator('[data-testid=dashboard][data-ready=true]').waitFor();
  await page.locator('[data-testid=trend-chart] .chart-line').first().waitFor();
  await page.locator('[data-testid=trend-chart] [data-interactive=true]').waitFor();
  return page;
}

async function closeCleanly(page: Page) {
  const errors = pageErrors.get(page) ?? [];
  await page.context().close();
  expect(errors).toEqual([]);
}

/** The filters the page shows, read from its controls. */
async function shownFilters(page: Page) {
  return {
    workspace_id: await page.locator('[data-testid=filter-workspace]').inputValue(),
    campaign: await page.locator('[data-testid=filter-campaign]').inputValue(),
    from: await page.locator('[data-testid=filter-from]').inputValue(),
    to: await page.locator('[data-testid=filter-to]').inputValue(),
  };
}

async function api(filters: { workspace_id: string; campaign: string; from: string; to: string }): Promise<DashboardResponse> {
  const params = new URLSearchParams({ workspace_id: filters.workspace_id, from: filters.from, to: filters.to });
  if (filters.campaign) params.set('campaign', filters.campaign);
  const response = await fetch(`${base}/api/dashboard/aggregate?${params}`, { headers: await bearerOf('admin') });
  expect(response.status).toBe(200);
  return (await response.json()) as DashboardResponse;
}

/** The KPI texts the page must show for an API answer. */
function expectedKpis(body: DashboardResponse) {
  return {
    sends: formatCount(body.summary.sends),
    'open-rate': formatRate(body.summary.open_rate),
    'reply-rate': formatRate(body.summary.reply_rate),
    'unique-contacts': formatCount(body.summary.unique_contacts),
    'llm-cost': formatUsd(body.summary.total_cost_usd),
  };
}

async function expectKpisMatchApi(page: Page) {
  const filters = await shownFilters(page);
  const expected = expectedKpis(await api(filters));
  for (const [id, text] of Object.entries(expected)) {
    await expect.poll(() => page.locator(`[data-testid=kpi-${id}-value]`).textContent(), { timeout: 15_000 }).toBe(text);
  }
  return filters;
}

describe('the dashboard page', () => {
  it('shows the API\'s numbers for its filters, on the first server-rendered paint too', async () => {
    const response = await fetch(`${base}/`, { headers: await bearerOf('admin') });
    const html = await response.text();
    expect(html).toContain('data-testid="kpi-sends-value"');
    const page = await openDashboard();
    const filters = await expectKpisMatchApi(page);
    expect(filters.campaign).toBe('');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-desktop.png'), fullPage: true });

    // Hovering the trend chart shows every figure of that day.
    const chart = page.locator('[data-testid=trend-chart] .chart-plot').first();
    const box = await chart.boundingBox();
    expect(box).not.toBeNull();
    if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tooltip = page.locator('[data-testid=day-tooltip]');
    await tooltip.waitFor();
    await page.locator('[data-testid=trend-chart]').screenshot({ path: path.join(SCREENSHOTS, 'dashboard-tooltip.png') });
    expect(await tooltip.textContent()).toMatch(/Sends[\d,]+Opens[\d,]+Clicks[\d,]+Replies[\d,]+Bounces[\d,]+Opt-outs[\d,]+Unique contacts[\d,]+LLM cost\$[\d,.]+/);
    await closeCleanly(page);
  });

  it('follows a change of range and campaign in the URL and the numbers, and Back restores them', async () => {
    const page = await openDashboard();
    const before = await shownFilters(page);
    await page.locator('[data-testid=preset-7d]').click();
    // The address keeps the range relative (a shared link means "the last 7 days" whenever it is opened).
    await expect.poll(() => new URL(page.url()).searchParams.get('range')).toBe('7d');
    expect(new URL(page.url()).searchParams.has('from')).toBe(false);
    const week = await expectKpisMatchApi(page);
    // Days of the workspace's zone: the 7 days ending on its today.
    expect(week).toMatchObject({ from: addDays(before.to, -6), to: before.to });

    const campaign = await page.locator('[data-testid=filter-campaign] option').nth(1).getAttribute('value');
    expect(campaign).toBeTruthy();
    await page.locator('[data-testid=filter-campaign]').selectOption(campaign ?? '');
    await expect.poll(() => new URL(page.url()).searchParams.get('campaign')).toBe(campaign);
    const filtered = await expectKpisMatchApi(page);
    expect(filtered.campaign).toBe(campaign);

    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('campaign')).toBe(null);
    await expectKpisMatchApi(page);

    // A custom range, typed into the date fields and applied.
    const [from, to] = [daysAgo(60), daysAgo(31)];
    await page.locator('[data-testid=filter-from]').fill(from);
    await page.locator('[data-testid=filter-to]').fill(to);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.url()).toContain(`from=${from}&to=${to}`);
    const custom = await expectKpisMatchApi(page);
    expect(custom).toMatchObject({ from, to });
    await closeCleanly(page);
  });

  it('falls back to defaults with a visible notice for unusable URL values', async () => {
    const page = await openDashboard('?from=2025-02-30&to=nope&campaign=No%20such%20campaign');
    await expect.poll(() => page.locator('[data-testid=notice]').count()).toBe(2);
    await expectKpisMatchApi(page);
    await closeCleanly(page);
  });

  it('is usable 390 px wide', async () => {
    const page = await openDashboard('', { viewport: { width: 390, height: 900 } });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-390.png'), fullPage: true });
    await closeCleanly(page);
  });

  it('writes dates in the viewer\'s locale and follows a dark system scheme, without a hydration mismatch', async () => {
    const from = daysAgo(60);
    const page = await openDashboard(`?from=${from}&to=${daysAgo(31)}`, { locale: 'de-DE', colorScheme: 'dark' });
    await expect.poll(() => page.locator('[data-testid=shown-range]').textContent()).toContain(formatDay(from, { year: true, locale: 'de-DE' }));
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(15, 17, 21)');
    await page.locator('[data-testid=cost-chart] .chart-bar').first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-dark-de.png'), fullPage: true });
    await closeCleanly(page);
  });

  it('turns the freshness badge amber when the views are older than 10 minutes', async () => {
    const client = new pg.Client({ connectionString: inject('databaseUrl') });
    await client.connect();
    try {
      const fresh = await openDashboard();
      await expect.poll(() => fresh.locator('[data-testid=freshness]').getAttribute('data-stale')).toBe('false');
      await closeCleanly(fresh);
      await client.query(`update public.dashboard_view_refreshes set current_as_of = now() - interval '1 hour'`);
      const page = await openDashboard();
      await expect.poll(() => page.locator('[data-testid=freshness]').getAttribute('data-stale')).toBe('true');
      expect(await page.locator('[data-testid=freshness]').textContent()).toMatch(/Data as of 1 h ago/);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-stale.png') });
      await closeCleanly(page);
    } finally {
      await client.query('select public.refresh_dashboard_views()');
      await client.end();
    }
  });
});
