// The browser lookup of the tests and the page benchmark: CHROMIUM_PATH, then a system Chromium, then
// the one inside @sparticuz/chromium, which must launch and draw text with its fonts (a fresh machine
// has no system browser and maybe no fonts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium } from '../../scripts/lib/browser';

let dir: string;
let fakeChromium: string;
let notExecutable: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'browser-lookup-'));
  fakeChromium = path.join(dir, 'chromium');
  fs.writeFileSync(fakeChromium, '#!/bin/sh\n', { mode: 0o755 });
  notExecutable = path.join(dir, 'chromium-browser');
  fs.writeFileSync(notExecutable, '', { mode: 0o644 });
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Pixels a canvas inks for a line of text: 0 when the browser has no usable font. */
const INKED_PIXELS = `(() => {
  const canvas = document.createElement('canvas');
  canvas.width = 400; canvas.height = 60;
  const ctx = canvas.getContext('2d');
  ctx.font = '32px system-ui, sans-serif';
  ctx.fillText('Sends 12,345 · 23.4 %', 4, 40);
  const data = ctx.getImageData(0, 0, 400, 60).data;
  let inked = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
  return inked;
})()`;

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first, and names it when it is not an executable', async () => {
    const choice = await findChromium({ chromiumPath: fakeChromium, systemPaths: [] });
    expect(choice).toMatchObject({ source: 'CHROMIUM_PATH', executablePath: fakeChromium });
    await expect(findChromium({ chromiumPath: path.join(dir, 'missing') })).rejects.toThrow(`CHROMIUM_PATH=${path.join(dir, 'missing')} is not an executable`);
    await expect(findChromium({ chromiumPath: notExecutable })).rejects.toThrow(/not an executable/);
  });

  it('then the first executable system Chromium', async () => {
    const choice = await findChromium({ chromiumPath: '', systemPaths: [path.join(dir, 'missing'), notExecutable, fakeChromium] });
    expect(choice).toMatchObject({ source: 'system', executablePath: fakeChromium });
  });

  it('without either, or with CHROMIUM_PATH=bundled, the npm package\'s Chromium', async () => {
    const none = await findChromium({ chromiumPath: '', systemPaths: [] });
    expect(none.source).toBe('npm');
    const bundled = await findChromium({ chromiumPath: 'bundled', systemPaths: [fakeChromium] });
    expect(bundled.source).toBe('npm');
    expect(bundled.executablePath).toBe(none.executablePath);
  });
});

describe('the npm package\'s Chromium', () => {
  it('unpacks on a machine that has none, launches with playwright-core and draws text', async () => {
    const cacheDir = path.join(dir, 'cache', 'chromium');
    const browser = await launchChromium({ chromiumPath: 'bundled', cacheDir });
    try {
      expect(fs.existsSync(path.join(cacheDir, 'chromium'))).toBe(true);
      expect(browser.version()).toMatch(/^\d+\./);
      const page = await browser.newPage();
      await page.setContent('<p>ready</p>');
      expect(await page.evaluate(INKED_PIXELS)).toBeGreaterThan(500);
    } finally {
      await browser.close();
    }
  });

  it('draws text with its own font alone (no system fonts)', async () => {
    const choice = await findChromium({ chromiumPath: 'bundled' });
    const conf = fs.readFileSync(choice.env.FONTCONFIG_FILE ?? '', 'utf8');
    const fontsOnly = path.join(dir, 'fonts-only.conf');
    fs.writeFileSync(fontsOnly, conf.replace(/^.*<include .*$/m, ''));
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: choice.executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
      env: { ...process.env, ...choice.env, FONTCONFIG_FILE: fontsOnly } as Record<string, string>,
    });
    try {
      const page = await browser.newPage();
      expect(await page.evaluate(INKED_PIXELS)).toBeGreaterThan(500);
    } finally {
      await browser.close();
    }
  });
});
