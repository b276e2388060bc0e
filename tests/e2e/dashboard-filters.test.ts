// The page's next round in a real Chromium against `next start` on the seeded data: a shared
// relative link keeps its meaning, a campaign row filters the page, the week/month switch, the
// like-for-like comparison, CSV downloads with the API's numbers, and the 390 px layout.
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { campaignsCsv, csvFileName, timeseriesCsv } from '../../lib/dashboard/csv';
import { addDays } from '../../lib/dashboard/days';
import { formatCount } from '../../lib/dashboard/format';
import type { CampaignsResponse, DashboardResponse } from '../../lib/dashboard/response';
import { launchChromium } from '../../scripts/lib/browser';
import { bearerOf, signIn } from '../support/e2e-auth';

const base = inject('baseUrl');
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium({ log: (line) => process.stderr.write(`[filters e2e] ${line}\n`) });
});
afterAll(async () => {
  await browser?.close();
});


async function open(search: string, viewport = { width: 1440, height: 1000 }): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, locale: 'en-US', acceptDownloads: true });
  await signIn(context, 'admin');
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${base}/${search}`);
  await page.locator('[data-testid=dashboard][data-ready=true]').waitFor();
  return { page, errors };
}

async function close({ page, errors }: { page: Page; errors: string[] }) {
  await page.context().close();
  expect(errors).toEqual([]);
}

async function api<T>(endpoint: 'aggregate' | 'campaigns', params: Record<string, string>): Promise<T> {
  const response = await fetch(`${base}/api/dashboard/${endpoint}?${new URLSearchParams(params)}`, { headers: await bearerOf('admin') });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

const workspaceOf = (page: Page) => page.locator('[data-testid=filter-workspace]').inputValue();

/** The workspace's zone and its today there (the default range's last day): every range's days are its days. */
async function localDays(workspace: string): Promise<{ timeZone: string; today: string; daysAgo: (days: number) => string }> {
  const body = await api<DashboardResponse>('aggregate', { workspace_id: workspace });
  return { timeZone: body.time_zone, today: body.to, daysAgo: (days) => addDays(body.to, -days) };
}

/** Clicks a CSV button and returns the downloaded file's name and text. */
async function download(page: Page, testId: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-testid=${testId}]`).click()]);
  const filePath = await file.path();
  return { name: file.suggestedFilename(), text: fs.readFileSync(filePath, 'utf8') };
}

describe('the page, next round', () => {
  it('opens a shared range=7d link as the last 7 days, with the numbers of the API for that range', async () => {
    const opened = await open('?range=7d');
    const { page } = opened;
    expect(await page.locator('[data-testid=preset-7d]').getAttribute('aria-pressed')).toBe('true');
    const workspace = await workspaceOf(page);
    const { today, daysAgo } = await localDays(workspace);
    expect(await page.locator('[data-testid=filter-from]').inputValue()).toBe(daysAgo(6));
    const body = await api<DashboardResponse>('aggregate', { workspace_id: workspace, range: '7d' });
    expect(body).toMatchObject({ from: daysAgo(6), to: today });
    expect(await page.locator('[data-testid=kpi-sends-value]').textContent()).toBe(formatCount(body.summary.sends));
    // The range ends today, so the comparison leaves today out and says so.
    expect(await page.locator('[data-testid=comparison-note]').textContent()).toMatch(/today is still filling and is left out/);
    expect(new URL(page.url()).searchParams.get('range')).toBe('7d');
    await close(opened);
  });

  it('lists every campaign side by side and filters the page to one with a click on its row', async () => {
    const opened = await open('?range=30d');
    const { page } = opened;
    const workspace = await workspaceOf(page);
    const { today, daysAgo, timeZone } = await localDays(workspace);
    const body = await api<CampaignsResponse>('campaigns', { workspace_id: workspace, range: '30d' });
    expect(body.campaigns.length).toBeGreaterThan(1);
    const names = await page.locator('[data-testid=campaign-link]').allTextContents();
    expect(names).toEqual(body.campaigns.map((c) => c.campaign_name));
    const pick = body.campaigns[1]!;
    await page.locator('[data-testid=campaign-link]', { hasText: pick.campaign_name }).first().click();
    await expect.poll(() => new URL(page.url()).searchParams.get('campaign')).toBe(pick.campaign_name);
    expect(await page.locator('[data-testid=filter-campaign]').inputValue()).toBe(pick.campaign_name);
    await expect.poll(() => page.locator('[data-testid=kpi-sends-value]').textContent(), { timeout: 15_000 }).toBe(formatCount(pick.sends));
    await expect.poll(() => page.locator('[data-testid=kpi-unique-contacts-value]').textContent()).toBe(formatCount(pick.unique_contacts));
    // The campaigns CSV holds the API's rows.
    const csv = await download(page, 'csv-campaigns');
    expect(csv.name).toBe(csvFileName({ workspace_id: workspace, campaign: null, from: daysAgo(29), to: today, time_zone: timeZone }, 'campaigns'));
    expect(csv.name).toMatch(/^campaign-analytics_[\w.-]+_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}_[\w.-]+_campaigns\.csv$/);
    expect(csv.text).toBe(campaignsCsv(body.campaigns));
    await close(opened);
  });

  it('switches to weeks and months, keeps the choice in the address, and exports those buckets', async () => {
    const opened = await open('?range=90d');
    const { page } = opened;
    const workspace = await workspaceOf(page);
    const { daysAgo, timeZone } = await localDays(workspace);
    expect(await page.locator('[data-testid=interval-day]').getAttribute('aria-pressed')).toBe('true');
    await page.locator('[data-testid=interval-week]').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('interval')).toBe('week');
    const weekly = await api<DashboardResponse>('aggregate', { workspace_id: workspace, range: '90d', interval: 'week' });
    expect(weekly.timeseries[0]?.day).toBe(daysAgo(89));
    await expect.poll(async () => (await download(page, 'csv-timeseries')).text, { timeout: 15_000 }).toBe(timeseriesCsv(weekly, timeZone));

    await page.locator('[data-testid=interval-month]').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('interval')).toBe('month');
    const monthly = await api<DashboardResponse>('aggregate', { workspace_id: workspace, range: '90d', interval: 'month' });
    // The address changes before the months arrive: until then the export is still the weeks' (as above).
    await expect.poll(async () => (await download(page, 'csv-timeseries')).name, { timeout: 15_000 }).toMatch(/_monthly\.csv$/);
    const file = await download(page, 'csv-timeseries');
    expect(file.name).toMatch(/_monthly\.csv$/);
    expect(file.text).toBe(timeseriesCsv(monthly, timeZone));
    // Back to days: the address drops the interval (the default for 90 days).
    await page.locator('[data-testid=interval-day]').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('interval')).toBe(null);

    // A year defaults to months; a chosen interval survives a change of range.
    await page.locator('[data-testid=preset-12m]').click();
    await expect.poll(() => page.locator('[data-testid=interval-month]').getAttribute('aria-pressed')).toBe('true');
    await page.locator('[data-testid=interval-week]').click();
    await page.locator('[data-testid=preset-ytd]').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('range')).toBe('ytd');
    expect(await page.locator('[data-testid=interval-week]').getAttribute('aria-pressed')).toBe('true');
    await close(opened);
  });

  it('fits a 390 px screen: no sideways scroll of the page, the tables scroll inside their box', async () => {
    const opened = await open('?range=30d', { width: 390, height: 844 });
    const { page } = opened;
    await page.locator('[data-testid=campaign-table]').waitFor();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBe(0);
    await close(opened);
  });
});
