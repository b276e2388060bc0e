// Page load in a real headless Chromium (found by ../browser.ts) against `next start`: from navigation until the KPI numbers
// are on screen, and until every chart is drawn with data. Once with the views (the default) and
// once with DASHBOARD_SOURCE=raw, for the ratio.
import type { Page } from 'playwright-core';
import { launchChromium } from '../browser';
import { buildNext, startNextServer } from '../next-server';
import { progress } from '../progress';
import type { Pair } from './measure';
import { round, summarize, type Timing } from './stats';

export interface PageTimings {
  /** Navigation until the KPI numbers are on screen (server-rendered: the first paint). */
  numbers: Timing;
  /** Navigation until every chart is drawn with data. */
  charts: Timing;
  /** Where the time goes (browser's navigation timing, median ms): first byte, HTML done, DOMContentLoaded. */
  phases: { first_byte: number; html_done: number; dom_content_loaded: number };
}
export interface PageResult {
  loads: number;
  numbers: Pair;
  charts: Pair;
  phases: Record<'mv' | 'raw', PageTimings['phases']>;
}

const NAVIGATION_PHASES = `(() => { const n = performance.getEntriesByType('navigation')[0];
  return n ? [n.responseStart, n.responseEnd, n.domContentLoadedEventEnd] : [0, 0, 0]; })()`;

// The page's own hooks (components/): the dashboard marks itself ready once its data arrived, each
// chart card stops loading, and Recharts has drawn marks in it. Strings, not functions: tsx's
// transform would add helpers to a function that do not exist inside the page.
const NUMBERS_ON_SCREEN = `/\\d/.test(document.querySelector('[data-testid=kpi-sends-value]')?.textContent ?? '')`;
const drawn = (id: string, mark: string) => `document.querySelector('[data-testid=${id}][data-loading=false] ${mark}') !== null`;
const CHARTS_DRAWN = [
  `document.querySelector('[data-testid=dashboard][data-ready=true]') !== null`,
  drawn('trend-chart', '.recharts-line-curve'),
  drawn('sequence-chart', '.recharts-bar-rectangle'),
  drawn('cost-chart', '.recharts-bar-rectangle'),
].join(' && ');

async function timeLoad(page: Page, url: string): Promise<{ numbers: number; charts: number; phases: number[] }> {
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(NUMBERS_ON_SCREEN, undefined, { polling: 'raf', timeout: 60_000 });
  const numbers = performance.now() - started;
  await page.waitForFunction(CHARTS_DRAWN, undefined, { polling: 'raf', timeout: 60_000 });
  const charts = performance.now() - started;
  const phases: unknown = await page.evaluate(NAVIGATION_PHASES);
  return { numbers, charts, phases: Array.isArray(phases) ? phases.map(Number) : [] };
}

/**
 * Interleaved page loads (raw, views, raw, views …), each in a fresh browser context (cold cache),
 * after one untimed warm-up load of each.
 */
export async function pageLoads(urls: Record<'mv' | 'raw', string>, loads: number, step: () => void): Promise<Record<'mv' | 'raw', PageTimings>> {
  const browser = await launchChromium({ log: (line) => console.error(line) });
  try {
    const empty = () => ({ numbers: [] as number[], charts: [] as number[], phases: [[], [], []] as number[][] });
    const samples = { mv: empty(), raw: empty() };
    for (let i = 0; i < loads + 1; i++) {
      for (const source of ['raw', 'mv'] as const) {
        const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
        try {
          const timing = await timeLoad(await context.newPage(), urls[source]);
          if (i > 0) {
            samples[source].numbers.push(timing.numbers);
            samples[source].charts.push(timing.charts);
            timing.phases.forEach((value, phase) => samples[source].phases[phase]?.push(value));
          }
        } finally {
          await context.close();
        }
        step();
      }
    }
    const timings = (s: ReturnType<typeof empty>): PageTimings => {
      const [firstByte, htmlDone, dcl] = s.phases.map((values) => summarize(values).median);
      return { numbers: summarize(s.numbers), charts: summarize(s.charts),
        phases: { first_byte: firstByte ?? NaN, html_done: htmlDone ?? NaN, dom_content_loaded: dcl ?? NaN } };
    };
    return { mv: timings(samples.mv), raw: timings(samples.raw) };
  } finally {
    await browser.close();
  }
}

/** Page loads of one workspace's default view: `next start` on the views and another with DASHBOARD_SOURCE=raw. */
export async function pageSection(databaseUrl: string, workspace: string, loads = 10, quiet = false): Promise<PageResult> {
  await buildNext({ log: (line) => console.error(line) });
  const mvServer = await startNextServer({ DATABASE_URL: databaseUrl, DASHBOARD_SOURCE: 'mv', DASHBOARD_AUTH: 'off' });
  try {
    const rawServer = await startNextServer({ DATABASE_URL: databaseUrl, DASHBOARD_SOURCE: 'raw', DASHBOARD_AUTH: 'off' });
    try {
      const path = `/?workspace_id=${encodeURIComponent(workspace)}`;
      const bar = quiet ? undefined : progress('page load (raw, mv)'.padEnd(24), 2 * (loads + 1));
      let done = 0;
      const { mv, raw } = await pageLoads({ mv: mvServer.url + path, raw: rawServer.url + path }, loads, () => bar?.update(++done));
      bar?.finish();
      const pair = (r: Timing, m: Timing): Pair => ({ raw: r, mv: m, ratio: round(r.median / m.median, 1) });
      return { loads, numbers: pair(raw.numbers, mv.numbers), charts: pair(raw.charts, mv.charts), phases: { mv: mv.phases, raw: raw.phases } };
    } finally {
      await rawServer.stop();
    }
  } finally {
    await mvServer.stop();
  }
}
