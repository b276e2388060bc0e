// Page load in a real headless Chromium against `next start`: from navigation until the KPI numbers
// are on screen, and until every chart is drawn with data. Once with the views (the default) and
// once with DASHBOARD_SOURCE=raw, for the ratio.
import { chromium, type Page } from 'playwright-core';
import { buildNext, startNextServer } from '../next-server';
import { progress } from '../progress';
import type { Pair } from './measure';
import { round, summarize, type Timing } from './stats';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface PageTimings {
  /** Navigation until the KPI numbers are on screen (server-rendered: the first paint). */
  numbers: Timing;
  /** Navigation until every chart is drawn with data. */
  charts: Timing;
}
export interface PageResult { loads: number; numbers: Pair; charts: Pair }

// The page's own hooks (components/): the dashboard marks itself ready once its data arrived, each
// chart card stops loading, and Recharts has drawn marks in it.
const NUMBERS_ON_SCREEN = () => {
  const sends = document.querySelector('[data-testid=kpi-sends-value]');
  return sends !== null && /\d/.test(sends.textContent ?? '');
};
const CHARTS_DRAWN = () => {
  const drawn = (id: string, mark: string) => {
    const card = document.querySelector(`[data-testid=${id}][data-loading=false]`);
    return card !== null && card.querySelector(mark) !== null;
  };
  return document.querySelector('[data-testid=dashboard][data-ready=true]') !== null
    && drawn('trend-chart', '.recharts-line-curve')
    && drawn('sequence-chart', '.recharts-bar-rectangle')
    && drawn('cost-chart', '.recharts-bar-rectangle');
};

async function timeLoad(page: Page, url: string): Promise<{ numbers: number; charts: number }> {
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(NUMBERS_ON_SCREEN, undefined, { polling: 'raf', timeout: 60_000 });
  const numbers = performance.now() - started;
  await page.waitForFunction(CHARTS_DRAWN, undefined, { polling: 'raf', timeout: 60_000 });
  return { numbers, charts: performance.now() - started };
}

/**
 * Interleaved page loads (raw, views, raw, views …), each in a fresh browser context (cold cache),
 * after one untimed warm-up load of each.
 */
export async function pageLoads(urls: Record<'mv' | 'raw', string>, loads: number, step: () => void): Promise<Record<'mv' | 'raw', PageTimings>> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const samples = { mv: { numbers: [] as number[], charts: [] as number[] }, raw: { numbers: [] as number[], charts: [] as number[] } };
    for (let i = 0; i < loads + 1; i++) {
      for (const source of ['raw', 'mv'] as const) {
        const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
        try {
          const timing = await timeLoad(await context.newPage(), urls[source]);
          if (i > 0) {
            samples[source].numbers.push(timing.numbers);
            samples[source].charts.push(timing.charts);
          }
        } finally {
          await context.close();
        }
        step();
      }
    }
    const timings = (s: { numbers: number[]; charts: number[] }) => ({ numbers: summarize(s.numbers), charts: summarize(s.charts) });
    return { mv: timings(samples.mv), raw: timings(samples.raw) };
  } finally {
    await browser.close();
  }
}

/** Page loads of one workspace's default view: `next start` on the views and another with DASHBOARD_SOURCE=raw. */
export async function pageSection(databaseUrl: string, workspace: string, loads = 10, quiet = false): Promise<PageResult> {
  await buildNext({ log: (line) => console.error(line) });
  const mvServer = await startNextServer({ DATABASE_URL: databaseUrl, DASHBOARD_SOURCE: 'mv' });
  try {
    const rawServer = await startNextServer({ DATABASE_URL: databaseUrl, DASHBOARD_SOURCE: 'raw' });
    try {
      const path = `/?workspace_id=${encodeURIComponent(workspace)}`;
      const bar = quiet ? undefined : progress('page load (raw, mv)'.padEnd(24), 2 * (loads + 1));
      let done = 0;
      const { mv, raw } = await pageLoads({ mv: mvServer.url + path, raw: rawServer.url + path }, loads, () => bar?.update(++done));
      bar?.finish();
      const pair = (r: Timing, m: Timing): Pair => ({ raw: r, mv: m, ratio: round(r.median / m.median, 1) });
      return { loads, numbers: pair(raw.numbers, mv.numbers), charts: pair(raw.charts, mv.charts) };
    } finally {
      await rawServer.stop();
    }
  } finally {
    await mvServer.stop();
  }
}
