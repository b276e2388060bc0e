// Page load in a real headless Chromium (found by ../browser.ts) against `next start`: from navigation start until the KPI numbers
// are on screen, until every chart is drawn with data, and until the charts answer the pointer
// (hydrated). Once with the views (the default) and once with DASHBOARD_SOURCE=raw, for the ratio;
// or, with another built checkout, this build against that one (both on the views), side by side.
// Also where the time goes (the browser's own counters) and the JavaScript the page loads.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../browser';
import { PROJECT_ROOT } from '../migrate';
import { buildNext, startNextServer, type NextServer } from '../next-server';
import { progress } from '../progress';
import type { Pair } from './measure';
import { round, summarize, type Timing } from './stats';

/** Medians, ms: navigation timing, first contentful paint, and the main thread's work per load. */
export interface PagePhases {
  first_byte: number;
  html_done: number;
  dom_content_loaded: number;
  first_contentful_paint?: number;
  /** JavaScript run (parse, compile, execute: hydration and chart drawing included) until the charts answer. */
  script_ms?: number;
  layout_ms?: number;
  style_ms?: number;
}
export interface PageTimings {
  /** Navigation until the KPI numbers are on screen (server-rendered: the first paint). */
  numbers: Timing;
  /** Navigation until every chart is drawn with data. */
  charts: Timing;
  /** Navigation until the charts are hydrated (tooltips and legend toggles answer). */
  interactive: Timing;
  phases: PagePhases;
}
/** The JavaScript `/` loads until its charts answer: files, bytes, and bytes once gzipped (as served). */
export interface PageBundle { files: number; bytes: number; gzip_bytes: number }
export interface PageResult {
  loads: number;
  numbers: Pair;
  charts: Pair;
  interactive?: Pair;
  phases: Record<'mv' | 'raw', PagePhases>;
  bundle?: PageBundle;
}
/** This build against another checkout's build, both on the views. */
export interface PageComparison {
  loads: number;
  against: string;
  builds: Record<'before' | 'after', PageTimings & { bundle: PageBundle }>;
}

const NAVIGATION_PHASES = `(() => { const n = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return n ? [n.responseStart, n.responseEnd, n.domContentLoadedEventEnd, fcp ? fcp.startTime : NaN] : [0, 0, 0, NaN]; })()`;

// The page's own hooks (components/): the dashboard marks itself ready once its data arrived, each
// chart card stops loading, and marks are drawn in it: the SVG charts' own marks, or Recharts' in
// builds before them (so a build can be timed against an older one). A chart is interactive once
// nothing in the cards still says data-interactive=false (the server-rendered SVG says so until it
// is hydrated; Recharts drew only in the browser, so drawn meant interactive there).
// Strings, not functions: tsx's transform would add helpers to a function that do not exist inside the page.
const NUMBERS_ON_SCREEN = `/\\d/.test(document.querySelector('[data-testid=kpi-sends-value]')?.textContent ?? '')`;
const drawn = (id: string, marks: string[]) =>
  `document.querySelector('${marks.map((mark) => `[data-testid=${id}][data-loading=false] ${mark}`).join(', ')}') !== null`;
const CHARTS_DRAWN = [
  `document.querySelector('[data-testid=dashboard][data-ready=true]') !== null`,
  drawn('trend-chart', ['.chart-line', '.recharts-line-curve']),
  drawn('sequence-chart', ['.chart-bar', '.recharts-bar-rectangle']),
  drawn('cost-chart', ['.chart-bar', '.recharts-bar-rectangle']),
].join(' && ');
const CHARTS_INTERACTIVE = `${CHARTS_DRAWN} && document.querySelector('[data-interactive=false]') === null`;

// Installed in the page before its first byte: on every animation frame it notes when each
// condition first held (ms since navigation start). One clock for all three, so a long task after
// the first paint delays none of them relative to the others (waiting for them one after another
// from outside would).
const MILESTONES = `(() => {
  const times = (window.__pageMilestones = {});
  const checks = { numbers: () => ${NUMBERS_ON_SCREEN}, charts: () => ${CHARTS_DRAWN}, interactive: () => ${CHARTS_INTERACTIVE} };
  const frame = () => {
    for (const [name, check] of Object.entries(checks)) if (times[name] === undefined && check()) times[name] = performance.now();
    if (times.interactive === undefined) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})()`;
const MILESTONES_DONE = `window.__pageMilestones?.interactive !== undefined`;
const MILESTONE_TIMES = `(() => { const t = window.__pageMilestones; return [t.numbers, t.charts, t.interactive]; })()`;

interface Load { numbers: number; charts: number; interactive: number; phases: number[] }

async function timeLoad(page: Page, url: string): Promise<Load> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.addInitScript(MILESTONES);
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(MILESTONES_DONE, undefined, { timeout: 60_000 });
  const [numbers = NaN, charts = NaN, interactive = NaN] = asNumbers(await page.evaluate(MILESTONE_TIMES));
  const navigation: unknown = await page.evaluate(NAVIGATION_PHASES);
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => 1000 * (metrics.find((m) => m.name === name)?.value ?? NaN);
  const phases = [...asNumbers(navigation),
    metric('ScriptDuration'), metric('LayoutDuration'), metric('RecalcStyleDuration')];
  return { numbers, charts, interactive, phases };
}

const asNumbers = (value: unknown): number[] => (Array.isArray(value) ? value.map(Number) : []);

const PHASE_NAMES = ['first_byte', 'html_done', 'dom_content_loaded', 'first_contentful_paint', 'script_ms', 'layout_ms', 'style_ms'] as const;

/**
 * Interleaved page loads (in the order of `urls`: raw, views … or before, after …), each in a fresh
 * browser context (cold cache), after one untimed warm-up load of each.
 */
async function pageLoads<K extends string>(browser: Browser, urls: Record<K, string>, loads: number, step: () => void): Promise<Record<K, PageTimings>> {
  const keys = Object.keys(urls) as K[];
  const samples = new Map(keys.map((key) => [key, [] as Load[]]));
  for (let i = 0; i < loads + 1; i++) {
    for (const key of keys) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
      try {
        const timing = await timeLoad(await context.newPage(), urls[key]);
        if (i > 0) samples.get(key)?.push(timing);
      } finally {
        await context.close();
      }
      step();
    }
  }
  const timings = (s: Load[]): PageTimings => {
    const median = (values: number[]) => summarize(values.filter(Number.isFinite)).median;
    const phases = Object.fromEntries(PHASE_NAMES.map((name, i) => [name, round(median(s.map((l) => l.phases[i] ?? NaN)), 1)]));
    return {
      numbers: summarize(s.map((l) => l.numbers)), charts: summarize(s.map((l) => l.charts)),
      interactive: summarize(s.map((l) => l.interactive)), phases: phases as unknown as PagePhases,
    };
  };
  return Object.fromEntries(keys.map((key) => [key, timings(samples.get(key) ?? [])])) as Record<K, PageTimings>;
}

/** One untimed load that records every script `url` fetches until its charts answer. */
async function pageBundle(browser: Browser, url: string): Promise<PageBundle> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  try {
    const page = await context.newPage();
    const bodies: Array<Promise<Buffer | null>> = [];
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script') bodies.push(response.body().catch(() => null));
    });
    await page.addInitScript(MILESTONES);
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(MILESTONES_DONE, undefined, { timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    const files = (await Promise.all(bodies)).filter((body): body is Buffer => body !== null);
    return {
      files: files.length,
      bytes: files.reduce((sum, body) => sum + body.length, 0),
      gzip_bytes: files.reduce((sum, body) => sum + zlib.gzipSync(body).length, 0),
    };
  } finally {
    await context.close();
  }
}

/** Page loads of one workspace's default view: `next start` on the views and another with DASHBOARD_SOURCE=raw. */
export async function pageSection(databaseUrl: string, workspace: string, loads = 10, quiet = false): Promise<PageResult> {
  await buildNext({ log: (line) => console.error(line) });
  const env = { DATABASE_URL: databaseUrl, DASHBOARD_AUTH: 'off' };
  return withServers({ raw: { ...env, DASHBOARD_SOURCE: 'raw' }, mv: { ...env, DASHBOARD_SOURCE: 'mv' } }, {}, async (servers, browser) => {
    const path = `/?workspace_id=${encodeURIComponent(workspace)}`;
    const bar = quiet ? undefined : progress('page load (raw, mv)'.padEnd(24), 2 * (loads + 1));
    let done = 0;
    const { mv, raw } = await pageLoads(browser, { raw: servers.raw.url + path, mv: servers.mv.url + path }, loads, () => bar?.update(++done));
    bar?.finish();
    const bundle = await pageBundle(browser, servers.mv.url + path);
    const pair = (r: Timing, m: Timing): Pair => ({ raw: r, mv: m, ratio: round(r.median / m.median, 1) });
    return {
      loads, numbers: pair(raw.numbers, mv.numbers), charts: pair(raw.charts, mv.charts), interactive: pair(raw.interactive, mv.interactive),
      phases: { mv: mv.phases, raw: raw.phases }, bundle,
    };
  });
}

/**
 * This build ("after") against the build of another checkout ("before", built there with `next build`),
 * both on the views and the same database, loads interleaved: a before/after measured side by side.
 */
export async function pageComparison(databaseUrl: string, workspace: string, against: string, loads = 10): Promise<PageComparison> {
  if (!fs.existsSync(path.join(against, '.next', 'BUILD_ID'))) throw new Error(`${against} has no build: run next build there first`);
  await buildNext({ log: (line) => console.error(line) });
  const env = { DATABASE_URL: databaseUrl, DASHBOARD_AUTH: 'off', DASHBOARD_SOURCE: 'mv' };
  return withServers({ before: env, after: env }, { before: against }, async (servers, browser) => {
    const urlPath = `/?workspace_id=${encodeURIComponent(workspace)}`;
    const bar = progress('page load (before, after)'.padEnd(24), 2 * (loads + 1));
    let done = 0;
    const timings = await pageLoads(browser, { before: servers.before.url + urlPath, after: servers.after.url + urlPath }, loads, () => bar.update(++done));
    bar.finish();
    return {
      loads, against: path.relative(PROJECT_ROOT, against) || '.',
      builds: {
        before: { ...timings.before, bundle: await pageBundle(browser, servers.before.url + urlPath) },
        after: { ...timings.after, bundle: await pageBundle(browser, servers.after.url + urlPath) },
      },
    };
  });
}

async function withServers<K extends string, T>(
  envs: Record<K, Record<string, string>>, dirs: Partial<Record<K, string>>,
  fn: (servers: Record<K, NextServer>, browser: Browser) => Promise<T>,
): Promise<T> {
  const servers = {} as Record<K, NextServer>;
  try {
    for (const key of Object.keys(envs) as K[]) servers[key] = await startNextServer(envs[key], { cwd: dirs[key] });
    const browser = await launchChromium({ log: (line) => console.error(line) });
    try {
      return await fn(servers, browser);
    } finally {
      await browser.close();
    }
  } finally {
    for (const server of Object.values<NextServer>(servers)) await server.stop();
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const ms = (value: number) => `${Math.round(value)} ms`;

/** What a person reads after `--page-only`: medians per source or build, where the time goes, the bundle. */
export function pageReport(result: PageResult | PageComparison): string {
  const rows: Array<[string, PageTimings | Omit<PageTimings, 'interactive'> & { interactive?: Timing }, PageBundle | undefined]> = 'builds' in result
    ? [['before', result.builds.before, result.builds.before.bundle], ['after', result.builds.after, result.builds.after.bundle]]
    : [['views', { numbers: result.numbers.mv, charts: result.charts.mv, interactive: result.interactive?.mv, phases: result.phases.mv }, result.bundle],
      ['raw', { numbers: result.numbers.raw, charts: result.charts.raw, interactive: result.interactive?.raw, phases: result.phases.raw }, undefined]];
  const lines = [`Page load, ${result.loads} loads each, interleaved (medians; p95 in brackets):`];
  for (const [name, t, bundle] of rows) {
    const p = t.phases;
    lines.push(`  ${name.padEnd(7)} numbers ${ms(t.numbers.median)} (${ms(t.numbers.p95)}) · charts drawn ${ms(t.charts.median)} (${ms(t.charts.p95)})`
      + (t.interactive ? ` · charts interactive ${ms(t.interactive.median)} (${ms(t.interactive.p95)})` : ''));
    lines.push(`          first byte ${ms(p.first_byte)}, HTML ${ms(p.html_done)}, first paint ${ms(p.first_contentful_paint ?? NaN)}, DOMContentLoaded ${ms(p.dom_content_loaded)}; `
      + `main thread: script ${ms(p.script_ms ?? NaN)}, layout ${ms(p.layout_ms ?? NaN)}, style ${ms(p.style_ms ?? NaN)}`);
    if (bundle) lines.push(`          JavaScript: ${bundle.files} files, ${kb(bundle.bytes)} (${kb(bundle.gzip_bytes)} gzipped)`);
  }
  return lines.join('\n');
}
