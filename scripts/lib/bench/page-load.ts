// Page load in a real headless Chromium: from navigation until every chart is drawn with data.
import { chromium } from 'playwright-core';
import { summarize, timeIt, type Timing } from './stats';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface PageTimings {
  /** Navigation until the KPI numbers are on screen (server-rendered: the first paint). */
  numbers: Timing;
  /** Navigation until every chart is drawn with data. */
  charts: Timing;
}

export async function pageLoads(url: string, loads: number, step: () => void): Promise<PageTimings> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const numbers: number[] = [];
    const charts: number[] = [];
    for (let i = 0; i < loads + 1; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
      const page = await context.newPage();
      let numbersAt = 0;
      const started = performance.now();
      const ms = await timeIt(async () => {
        await page.goto(url, { waitUntil: 'commit' });
        await page.locator('[data-testid=kpi-sends-value]').waitFor();
        numbersAt = performance.now() - started;
        await page.locator('[data-testid=dashboard][data-ready=true]').waitFor();
        await page.locator('[data-testid=trend-chart] .recharts-line').first().waitFor();
        await page.locator('[data-testid=sequence-chart] .recharts-bar-rectangle').first().waitFor();
        await page.locator('[data-testid=cost-chart] .recharts-bar-rectangle').first().waitFor();
        await page.locator('[data-testid=kpi-cost-per-reply-value]').waitFor();
      });
      if (i > 0) {
        // The first load warms the server's caches and is not counted.
        charts.push(ms);
        numbers.push(numbersAt);
      }
      await context.close();
      step();
    }
    return { numbers: summarize(numbers), charts: summarize(charts) };
  } finally {
    await browser.close();
  }
}
