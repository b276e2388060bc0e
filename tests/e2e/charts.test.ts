// The charts in a real Chromium against `next start`: drawn in the server's HTML, tooltips and
// legend toggles once hydrated, a table behind each chart with the API's numbers, 390 px wide
// without overflow, and the palette's dark shades in a dark scheme.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatCount, formatUsd } from '../../lib/dashboard/format';
import type { DashboardResponse } from '../../lib/dashboard/response';
import { launchChromium } from '../../scripts/lib/browser';
import { bearerOf, signIn } from '../support/e2e-auth';

const base = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium({ log: (line) => process.stderr.write(`[charts e2e] ${line}\n`) });
});
afterAll(async () => {
  await browser?.close();
});

const errors = new WeakMap<Page, string[]>();

async function openCharts(options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1440, height: 1000 }, locale: 'en-US', colorScheme: options.colorScheme ?? 'light' });
  await signIn(context, 'admin');
  const page = await context.newPage();
  const logged: string[] = [];
  errors.set(page, logged);
  page.on('pageerror', (error) => logged.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') logged.push(message.text());
  });
  await page.goto(`${base}/`);
  for (const id of ['trend-chart', 'sequence-chart', 'cost-chart']) {
    await page.locator(`[data-testid=${id}] [data-interactive=true]`).waitFor();
  }
  return page;
}

async function closeCleanly(page: Page) {
  const logged = errors.get(page) ?? [];
  await page.context().close();
  expect(logged).toEqual([]);
}

/** The API's answer for the filters the page shows. */
async function shownData(page: Page): Promise<DashboardResponse> {
  const value = (id: string) => page.locator(`[data-testid=filter-${id}]`).inputValue();
  const params = new URLSearchParams({ workspace_id: await value('workspace'), from: await value('from'), to: await value('to') });
  const response = await fetch(`${base}/api/dashboard/aggregate?${params}`, { headers: await bearerOf('admin') });
  expect(response.status).toBe(200);
  return (await response.json()) as DashboardResponse;
}

/** Opens a chart's "Show as table" and reads its rows (header first). */
async function chartTable(page: Page, id: string): Promise<string[][]> {
  await page.locator(`[data-testid=${id}] summary`, { hasText: 'Show as table' }).click();
  const table = page.locator(`[data-testid=${id}] details table`);
  await table.waitFor();
  return table.locator('tr').evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent ?? '')));
}

describe('the charts', () => {
  it('are in the server\'s HTML, drawn with the data, before any script runs', async () => {
    const html = await (await fetch(`${base}/`, { headers: await bearerOf('admin') })).text();
    for (const id of ['trend-chart', 'sequence-chart', 'cost-chart']) {
      const card = html.slice(html.indexOf(`data-testid="${id}"`));
      expect(card.slice(0, card.indexOf('</section>'))).toMatch(/<svg[^>]*>.*class="chart-(line|bar)" d="M[\d.]/s);
    }
    expect(html).not.toContain('recharts');
  });

  it('show a bucket\'s figures under the pointer and hide a series from the legend', async () => {
    const page = await openCharts();
    const data = await shownData(page);
    const plot = page.locator('[data-testid=trend-chart] .chart-plot');
    const box = await plot.boundingBox();
    if (!box) throw new Error('the trend chart has no box');
    // The pointer over the first bucket shows that bucket's figures.
    await page.mouse.move(box.x + 2, box.y + box.height / 2);
    const first = data.timeseries[0];
    if (!first) throw new Error('no timeseries');
    await expect.poll(() => page.locator('[data-testid=day-tooltip]').textContent()).toContain(`Sends${formatCount(first.sends)}Opens${formatCount(first.opens)}`);

    const cost = await page.locator('[data-testid=cost-chart] .chart-plot').boundingBox();
    if (!cost) throw new Error('the cost chart has no box');
    await page.mouse.move(cost.x + cost.width - 2, cost.y + cost.height / 2);
    const last = data.timeseries[data.timeseries.length - 1];
    await expect.poll(() => page.locator('[data-testid=cost-tooltip]').textContent()).toContain(`Total${formatUsd(last?.cost_usd ?? 0)}`);

    const opens = page.locator('[data-testid=trend-chart] button[data-series=opens]');
    await opens.click();
    expect(await opens.getAttribute('aria-pressed')).toBe('false');
    expect(await page.locator('[data-testid=trend-chart] g[data-series=opens]').count()).toBe(0);
    expect(await page.locator('[data-testid=trend-chart] g[data-series=sends] .chart-line').count()).toBeGreaterThan(0);
    await opens.click();
    expect(await page.locator('[data-testid=trend-chart] g[data-series=opens] .chart-line').count()).toBeGreaterThan(0);
    await closeCleanly(page);
  });

  it('have a table behind each with the API\'s numbers', async () => {
    const page = await openCharts();
    const data = await shownData(page);
    const trend = await chartTable(page, 'trend-chart');
    expect(trend[0]).toEqual(['Day', 'Sends', 'Opens', 'Clicks', 'Replies']);
    expect(trend.slice(1).map((row) => row.slice(1))).toEqual(data.timeseries.map((d) => [d.sends, d.opens, d.clicks, d.replies].map(formatCount)));

    const sequence = await chartTable(page, 'sequence-chart');
    expect(sequence.slice(1).map((row) => row.slice(0, 2))).toEqual(data.sequence.map((s) => [`Email ${s.step}`, formatCount(s.sends)]));

    const cost = await chartTable(page, 'cost-chart');
    const providers = cost[0]?.slice(1, -1) ?? [];
    expect(providers).toEqual([...new Set(data.timeseries.flatMap((d) => Object.keys(d.cost_by_provider)))].sort());
    expect(cost.slice(1).map((row) => row.slice(1))).toEqual(data.timeseries.map((d) =>
      [...providers.map((p) => formatUsd(d.cost_by_provider[p] ?? 0)), formatUsd(d.cost_usd)]));
    await closeCleanly(page);
  });

  it('fit 390 px without horizontal overflow, with a tooltip anywhere across the plot too', async () => {
    const page = await openCharts({ viewport: { width: 390, height: 900 } });
    const plot = page.locator('[data-testid=trend-chart] .chart-plot');
    const box = await plot.boundingBox();
    if (!box) throw new Error('the trend chart has no box');
    for (const x of [0, 0.3, 0.45, 0.49, 0.55, 0.7].map((f) => Math.max(2, box.width * f)).concat(box.width - 2)) {
      await plot.hover({ position: { x, y: 20 } });
      await page.locator('[data-testid=day-tooltip]').waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    }
    for (const id of ['trend-chart', 'sequence-chart', 'cost-chart']) {
      const box = await page.locator(`[data-testid=${id}]`).boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    }
    await closeCleanly(page);
  });

  it('use the palette\'s dark shades in a dark scheme, each provider the same colour as in light', async () => {
    const colours = async (scheme: 'light' | 'dark') => {
      const page = await openCharts({ colorScheme: scheme });
      const read = await page.evaluate(() => ({
        sends: getComputedStyle(document.querySelector('[data-testid=trend-chart] g[data-series=sends] .chart-line') as Element).stroke,
        openai: getComputedStyle(document.querySelector('[data-testid=cost-chart] g[data-provider=openai] .chart-bar') as Element).fill,
        anthropic: getComputedStyle(document.querySelector('[data-testid=cost-chart] g[data-provider=anthropic] .chart-bar') as Element).fill,
        panel: getComputedStyle(document.querySelector('[data-testid=cost-chart]') as Element).backgroundColor,
      }));
      await closeCleanly(page);
      return read;
    };
    const light = await colours('light');
    const dark = await colours('dark');
    expect(light).toEqual({ sends: 'rgb(0, 114, 178)', openai: 'rgb(0, 158, 115)', anthropic: 'rgb(213, 94, 0)', panel: 'rgb(255, 255, 255)' });
    expect(dark).toEqual({ sends: 'rgb(61, 148, 217)', openai: 'rgb(0, 158, 115)', anthropic: 'rgb(213, 94, 0)', panel: 'rgb(23, 26, 33)' });
  });
});
