// @vitest-environment jsdom
// The charts' rules: drop-off labels, colours that depend on the provider alone, bucket labels and
// ticks, the partial bucket, the paths drawn, and each chart as the server renders it (SVG with the
// numbers, a table with the same numbers behind it).
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { CostChart } from '../../components/CostChart';
import { SequenceChart } from '../../components/SequenceChart';
import { TrendChart } from '../../components/TrendChart';
import { bucketLabel, bucketTicks, partialIndex } from '../../lib/charts/axis';
import { PALETTE_SIZE, providerColor, providerSlot } from '../../lib/charts/colors';
import { linePaths, stackedBarPaths } from '../../lib/charts/plot';
import { dropOffs } from '../../lib/charts/sequence';
import { formatDay } from '../../lib/dashboard/format';
import type { TimeseriesPoint } from '../../lib/dashboard/response';

afterEach(cleanup);
const nbsp = '\u00a0';

const point = (day: string, over: Partial<TimeseriesPoint> = {}): TimeseriesPoint => ({
  day, sends: 100, opens: 40, clicks: 8, replies: 2, bounces: 1, opt_outs: 0, unique_contacts: 90, cost_usd: 0.5,
  cost_by_provider: { openai: 0.3, anthropic: 0.2 }, ...over,
});
const days = (from: string, n: number) => Array.from({ length: n }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));

describe('sequence drop-off labels', () => {
  it('read as a loss, a growth, no change, and nothing after a step with no sends', () => {
    const steps = dropOffs([
      { step: 1, sends: 100 }, { step: 2, sends: 75 }, { step: 3, sends: 77 }, { step: 4, sends: 77 },
      { step: 5, sends: 0 }, { step: 6, sends: 4 }, { step: 7, sends: 2 },
    ]);
    expect(steps.map((s) => s.dropLabel)).toEqual(['', `−25${nbsp}%`, `+3${nbsp}%`, `±0${nbsp}%`, `−100${nbsp}%`, '', `−50${nbsp}%`]);
    expect(steps.map((s) => s.label)).toEqual(['Email 1', 'Email 2', 'Email 3', 'Email 4', 'Email 5', 'Email 6', 'Email 7']);
    expect(steps.every((s) => !s.dropLabel.includes('−−') && !s.dropLabel.includes('−+'))).toBe(true);
  });
});

describe('provider colours', () => {
  it('depend on the provider alone, whatever the order or company', () => {
    const alone = Object.fromEntries(['openai', 'anthropic', 'cohere', 'deepseek', 'xai'].map((p) => [p, providerColor(p)]));
    for (const set of [['xai', 'deepseek', 'cohere', 'anthropic', 'openai'], ['deepseek', 'openai'], ['cohere']]) {
      for (const p of set) expect(providerColor(p)).toBe(alone[p]);
    }
    // The chart gives each provider that colour in any sort order of its data.
    const colours = (providers: string[]) => {
      const { container } = render(<CostChart timeseries={[point('2025-11-03', { cost_by_provider: Object.fromEntries(providers.map((p) => [p, 1])) })]} />);
      const found = Object.fromEntries([...container.querySelectorAll<SVGGElement>('g[data-provider]')].map((g) => [g.dataset.provider, g.style.fill]));
      cleanup();
      return found;
    };
    expect(colours(['openai', 'cohere', 'anthropic'])).toEqual(colours(['anthropic', 'openai', 'cohere']));
    expect(colours(['cohere']).cohere).toBe(colours(['openai', 'cohere']).cohere);
  });

  it('pin the known providers to distinct palette colours and keep the rest in the palette', () => {
    const known = ['openai', 'anthropic', 'google', 'mistral'].map(providerSlot);
    expect(new Set(known).size).toBe(4);
    expect(providerSlot('OpenAI ')).toBe(providerSlot('openai'));
    for (const p of ['cohere', 'deepseek', 'xai', 'groq', 'meta', '']) {
      const slot = providerSlot(p);
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(slot).toBeLessThan(PALETTE_SIZE);
      expect(known).not.toContain(slot);
    }
  });
});

describe('bucket labels and ticks', () => {
  it('name a day, a week and a month on the axis and in full', () => {
    expect(bucketLabel('2025-11-03', 'day', { locale: 'en-US' })).toBe('Nov 3');
    expect(bucketLabel('2025-11-03', 'day', { locale: 'en-US', long: true })).toBe('Nov 3, 2025');
    expect(bucketLabel('2025-11-03', 'week', { locale: 'en-US' })).toBe('Nov 3');
    expect(bucketLabel('2025-11-03', 'week', { locale: 'en-US', long: true })).toBe('Week of Nov 3, 2025');
    expect(bucketLabel('2025-11-01', 'month', { locale: 'en-US', long: true })).toBe('November 2025');
    expect(bucketLabel('2025-11-01', 'month', { locale: 'en-US' })).toBe('Nov');
    expect(bucketLabel('2026-01-01', 'month', { locale: 'en-US' })).toBe('Jan 2026');
    expect(bucketLabel('2025-11-01', 'month', { locale: 'de-DE', long: true })).toBe('November 2025');
    expect(bucketLabel('2025-11-03', 'day', { locale: 'de-DE' })).toBe('3. Nov.');
  });

  it('write a day as the rest of the page does, in any locale', () => {
    for (const locale of ['en-US', 'de-DE', 'fr-FR', 'ja-JP', undefined]) {
      for (const day of ['2025-01-01', '2025-11-03', '2024-02-29']) {
        expect(bucketLabel(day, 'day', { locale })).toBe(formatDay(day, { locale }));
        expect(bucketLabel(day, 'day', { locale, long: true })).toBe(formatDay(day, { locale, year: true }));
      }
    }
  });

  it('label at most ten buckets, evenly, a week apart past 20 days, every other one minor', () => {
    const month = bucketTicks(days('2025-11-01', 30), 'day', 'en-US');
    expect(month.map((t) => t.index)).toEqual([0, 7, 14, 21, 28]);
    expect(month.map((t) => t.label)).toEqual(['Nov 1', 'Nov 8', 'Nov 15', 'Nov 22', 'Nov 29']);
    expect(month.map((t) => t.minor)).toEqual([false, true, false, true, false]);
    expect(bucketTicks(days('2025-11-01', 7), 'day').map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(bucketTicks(days('2025-01-01', 366), 'day').length).toBeLessThanOrEqual(10);
    const weeks = Array.from({ length: 53 }, (_, i) => days('2024-12-30', 371)[i * 7] ?? '');
    expect(bucketTicks(weeks, 'week').length).toBeLessThanOrEqual(10);
    const months = ['2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01', '2025-05-01', '2025-06-01', '2025-07-01', '2025-08-01', '2025-09-01', '2025-10-01', '2025-11-01', '2025-12-01', '2026-01-01'];
    const monthTicks = bucketTicks(months, 'month', 'en-US');
    expect(monthTicks.map((t) => t.label)).toEqual(['Jan 2025', 'Mar', 'May', 'Jul', 'Sep', 'Nov', 'Jan 2026']);
  });

  it('find the bucket holding the day still filling', () => {
    const weeks = ['2025-11-05', '2025-11-10', '2025-11-17'];
    expect(partialIndex(weeks, '2025-11-19')).toBe(2);
    expect(partialIndex(weeks, '2025-11-06')).toBe(0);
    expect(partialIndex(days('2025-11-01', 30), '2025-11-30')).toBe(29);
    expect(partialIndex(weeks, null)).toBe(-1);
    expect(partialIndex(weeks, '2025-11-01')).toBe(-1);
  });
});

describe('paths', () => {
  it('draw a line through the bucket centres, the segments at the partial bucket apart', () => {
    expect(linePaths([0, 50, 100], 100, 100)).toEqual({ solid: 'M.5 100L1.5 50L2.5 0', partial: '' });
    expect(linePaths([0, 50, 100], 100, 100, 2)).toEqual({ solid: 'M.5 100L1.5 50', partial: 'M1.5 50L2.5 0' });
    expect(linePaths([10], 10, 100, 0)).toEqual({ solid: '', partial: 'M.2 0H.8' });
  });

  it('stack bars from zero in layer order, nothing for zero, the partial bucket apart', () => {
    const [first, second] = stackedBarPaths([[1, 0], [1, 2]], 2, 100, 1, 0.2);
    expect(first).toEqual({ full: 'M.1 50h.8v50h-.8z', partial: '' });
    expect(second).toEqual({ full: 'M.1 0h.8v50h-.8z', partial: 'M1.1 0h.8v100h-.8z' });
  });
});

describe('the charts', () => {
  const series = days('2025-11-01', 30).map((day, i) => point(day, { sends: 100 + i, replies: i }));

  it('are drawn by the server render, with every figure in words for screen readers', () => {
    const html = renderToString(<TrendChart timeseries={series} locale="en-US" partialDay="2025-11-30" />);
    expect(html).toContain('class="chart-line"');
    expect(html).toContain('chart-line chart-line-partial');
    expect(html).toContain('today so far');
    expect(html).toContain('data-interactive="false"');
    const total = series.reduce((sum, d) => sum + d.sends, 0);
    expect(html).toContain(`${total.toLocaleString('en-US')} sends`);
    const cost = renderToString(<CostChart timeseries={series} locale="en-US" />);
    expect(cost.match(/class="chart-bar"/g)?.length).toBe(2);
    expect(cost).not.toContain('today so far');
  });

  it('hide and show a series from the legend and rescale to what is shown', () => {
    const big = series.map((d) => ({ ...d, sends: 10_000 }));
    const { container } = render(<TrendChart timeseries={big} locale="en-US" />);
    const axisTop = () => [...container.querySelectorAll('.chart-y span')].at(-1)?.textContent;
    expect(axisTop()).toBe('10,000');
    fireEvent.click(screen.getByRole('button', { name: 'Sends' }));
    expect(screen.getByRole('button', { name: 'Sends' }).getAttribute('aria-pressed')).toBe('false');
    expect(container.querySelector('g[data-series=sends]')).toBeNull();
    expect(axisTop()).toBe('40');
    fireEvent.click(screen.getByRole('button', { name: 'Sends' }));
    expect(container.querySelector('g[data-series=sends]')).not.toBeNull();
  });

  it('show a bucket\'s figures for the arrow keys, labelled by its week', () => {
    const weeks = [point('2025-11-05', { sends: 7 }), point('2025-11-10', { sends: 1234 })];
    render(<TrendChart timeseries={weeks} locale="en-US" interval="week" partialDay="2025-11-12" />);
    const plot = screen.getByRole('group', { name: /Engagement per week/ });
    fireEvent.focus(plot);
    expect(screen.getByTestId('day-tooltip').textContent).toMatch(/^Week of Nov 10, 2025 · today so farSends1,234/);
    fireEvent.keyDown(plot, { key: 'ArrowLeft' });
    expect(screen.getByTestId('day-tooltip').textContent).toMatch(/^Week of Nov 5, 2025Sends7/);
  });

  it('have a table behind them with the same numbers', () => {
    const { container } = render(<CostChart timeseries={series.slice(0, 3)} locale="en-US" partialDay="2025-11-03" />);
    const details = container.querySelector('details');
    if (!details) throw new Error('no table disclosure');
    details.open = true;
    fireEvent(details, new Event('toggle'));
    const table = within(container).getByRole('table');
    const rows = [...table.querySelectorAll('tr')].map((row) => [...row.querySelectorAll('th, td')].map((c) => c.textContent));
    expect(rows).toEqual([
      ['Day', 'anthropic', 'openai', 'Total'],
      ['Nov 1, 2025', '$0.20', '$0.30', '$0.50'],
      ['Nov 2, 2025', '$0.20', '$0.30', '$0.50'],
      ['Nov 3, 2025 (today so far)', '$0.20', '$0.30', '$0.50'],
    ]);
  });

  it('show every step of the sequence, with its change', () => {
    const steps = [1, 2, 3, 4, 5, 6, 7].map((step) => ({ step, sends: step === 3 ? 90 : 100 - step * 10 }));
    const { container } = render(<SequenceChart sequence={steps} />);
    expect(container.querySelectorAll('.chart-x span')).toHaveLength(7);
    expect([...container.querySelectorAll('.chart-bar-label')].map((l) => l.textContent)).toEqual(
      [`−11${nbsp}%`, `+13${nbsp}%`, `−33${nbsp}%`, `−17${nbsp}%`, `−20${nbsp}%`, `−25${nbsp}%`]);
    expect(container.querySelector('.chart-bar-label.growth')?.textContent).toBe(`+13${nbsp}%`);
  });
});
