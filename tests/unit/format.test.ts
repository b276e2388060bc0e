// Formatting for people and the period-over-period arithmetic.
import { describe, expect, it } from 'vitest';
import { previousPeriod, rangeProblem } from '../../lib/dashboard/days';
import { formatAge, formatChange, formatCount, formatDay, formatRate, formatTokens, formatUsd, formatUsdTick, periodChange } from '../../lib/dashboard/format';
import { pickLocale } from '../../lib/dashboard/locale';
import { filtersToSearch, resolveFilters, widestRangeWithData, withRelativeRange } from '../../lib/dashboard/filters';
import { dropOffs } from '../../lib/charts/sequence';
import { niceTicks } from '../../lib/charts/axis';

const nbsp = '\u00a0';

describe('formatting', () => {
  it('writes counts, rates, money and tokens the way people read them', () => {
    expect(formatCount(12345)).toBe('12,345');
    expect(formatRate(0.234)).toBe(`23.4${nbsp}%`);
    expect(formatRate(null)).toBe('—');
    expect(formatUsd(1234.561)).toBe('$1,234.56');
    expect(formatUsd(0.0042)).toBe('$0.0042');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatTokens(1_234_567)).toBe('1.2M');
    expect(formatTokens(950)).toBe('950');
  });

  it('labels money axes without rounding ticks into each other', () => {
    expect(formatUsdTick(0.025)).toBe('$0.025');
    expect(formatUsdTick(0.05)).toBe('$0.05');
    expect(formatUsdTick(0)).toBe('$0.00');
    expect(formatUsdTick(12.5)).toBe('$12.5');
    expect(formatUsdTick(25_000)).toBe('$25K');
  });

  it('formats dates in the locale the browser asks for, falling back to en-US', () => {
    expect(pickLocale('de-DE,de;q=0.9,en;q=0.8')).toBe('de-DE');
    expect(pickLocale('*')).toBe('en-US');
    expect(pickLocale(null)).toBe('en-US');
    expect(pickLocale('not a tag!!, fr')).toBe('fr');
    expect(formatDay('2025-11-03', { locale: pickLocale('de-DE') })).toBe('3. Nov.');
  });

  it('says how old data is', () => {
    expect(formatAge(20)).toBe('just now');
    expect(formatAge(180)).toBe('3 min ago');
    expect(formatAge(7200)).toBe('2 h ago');
    expect(formatAge(86_400)).toBe('1 day ago');
  });

  it('formats UTC days without shifting them into the viewer\'s time zone', () => {
    expect(formatDay('2025-11-03', { locale: 'en-US' })).toBe('Nov 3');
    expect(formatDay('2025-11-03', { locale: 'en-GB', year: true })).toBe('3 Nov 2025');
  });
});

describe('period-over-period change', () => {
  it('is the relative change, null when the previous period had nothing', () => {
    expect(periodChange(120, 100)).toBeCloseTo(0.2);
    expect(periodChange(80, 100)).toBeCloseTo(-0.2);
    expect(periodChange(5, 0)).toBeNull();
    expect(periodChange(null, 3)).toBeNull();
    expect(formatChange(0.125)).toBe(`▲ 12.5${nbsp}%`);
    expect(formatChange(-0.03)).toBe(`▼ 3.0${nbsp}%`);
    expect(formatChange(null)).toBe('—');
  });

  it('compares with the period of the same length just before', () => {
    expect(previousPeriod({ from: '2025-11-08', to: '2025-12-07' })).toEqual({ from: '2025-10-09', to: '2025-11-07' });
    expect(previousPeriod({ from: '2025-03-01', to: '2025-03-01' })).toEqual({ from: '2025-02-28', to: '2025-02-28' });
    // 2024 is a leap year: its 366 days compare with the 366 days before.
    expect(previousPeriod({ from: '2024-01-01', to: '2024-12-31' })).toEqual({ from: '2022-12-31', to: '2023-12-31' });
  });
});

describe('sequence drop-off', () => {
  it('is the share lost from one step to the next', () => {
    const steps = dropOffs([{ step: 1, sends: 100 }, { step: 2, sends: 75 }, { step: 3, sends: 0 }, { step: 4, sends: 0 }]);
    expect(steps.map((s) => s.drop)).toEqual([null, 0.25, 1, null]);
  });
});

describe('filters from the URL', () => {
  const today = new Date('2025-12-07T12:00:00Z');
  const workspaces = [
    { workspace_id: 'acme', first_day: '2025-01-01', last_day: '2025-12-07', campaigns: [{ campaign_name: 'Alpha', first_day: '2025-06-01', last_day: '2025-06-30' }], time_zone: 'UTC' },
    { workspace_id: 'globex', first_day: '2025-11-01', last_day: '2025-11-30', campaigns: [], time_zone: 'UTC' },
    { workspace_id: 'kolkata', first_day: '2025-11-01', last_day: '2025-11-30', campaigns: [], time_zone: 'Asia/Kolkata' },
    { workspace_id: 'nyc', first_day: '2025-11-01', last_day: '2025-11-30', campaigns: [], time_zone: 'America/New_York' },
  ];

  it('defaults to the first workspace, all campaigns, the last 30 days (kept relative)', () => {
    expect(resolveFilters({}, workspaces, today)).toEqual({
      query: { workspace_id: 'acme', from: '2025-11-08', to: '2025-12-07', range: '30d', campaign: null, source: 'mv', interval: 'day', compare: 'previous' }, notices: [],
    });
  });

  it('reads a relative range from the address and writes it back as one, so a shared link keeps its meaning', () => {
    const week = resolveFilters({ workspace_id: 'globex', range: '7d' }, workspaces, today);
    expect(week).toEqual({ query: { workspace_id: 'globex', from: '2025-12-01', to: '2025-12-07', range: '7d', campaign: null, source: 'mv', interval: 'day', compare: 'previous' }, notices: [] });
    expect(filtersToSearch(week.query!)).toBe('?workspace_id=globex&range=7d');
    // The same link opened the next day covers the next seven days.
    expect(resolveFilters({ range: '7d' }, workspaces, new Date('2025-12-08T00:00:01Z')).query).toMatchObject({ from: '2025-12-02', to: '2025-12-08' });
    const explicit = resolveFilters({ from: '2025-11-01', to: '2025-11-30' }, workspaces, today).query!;
    expect(filtersToSearch(explicit)).toBe('?workspace_id=acme&from=2025-11-01&to=2025-11-30');
    expect(withRelativeRange(explicit, 'mtd', 'UTC', today)).toMatchObject({ from: '2025-12-01', to: '2025-12-07', range: 'mtd' });
  });

  it("resolves today in the workspace's time zone: Kolkata's Dec 8 starts at 18:30 UTC, New York's Dec 7 lasts until 05:00 UTC", () => {
    const late = new Date('2025-12-07T19:00:00Z');
    expect(resolveFilters({ workspace_id: 'kolkata', range: '7d' }, workspaces, late).query).toMatchObject({ from: '2025-12-02', to: '2025-12-08' });
    expect(resolveFilters({ workspace_id: 'globex', range: '7d' }, workspaces, late).query).toMatchObject({ from: '2025-12-01', to: '2025-12-07' });
    const early = new Date('2025-12-08T04:59:00Z');
    expect(resolveFilters({ workspace_id: 'nyc', range: '7d' }, workspaces, early).query).toMatchObject({ from: '2025-12-01', to: '2025-12-07' });
    expect(withRelativeRange(resolveFilters({ workspace_id: 'nyc' }, workspaces, early).query!, 'mtd', 'America/New_York', early))
      .toMatchObject({ from: '2025-12-01', to: '2025-12-07' });
  });

  it('explains an unusable relative range, and prefers a range over dates given with it', () => {
    const bad = resolveFilters({ range: '2w' }, workspaces, today);
    expect(bad.query).toMatchObject({ range: '30d', from: '2025-11-08' });
    expect(bad.notices).toEqual([expect.stringMatching(/“2w” is not a range/)]);
    const both = resolveFilters({ range: '90d', from: '2025-01-01' }, workspaces, today);
    expect(both.query).toMatchObject({ range: '90d', from: '2025-09-09', to: '2025-12-07' });
    expect(both.notices).toEqual([expect.stringMatching(/both a range and dates/)]);
  });

  it('keeps valid values and replaces unusable ones with a notice each', () => {
    const kept = resolveFilters({ workspace_id: 'globex', from: '2025-11-01', to: '2025-11-30' }, workspaces, today);
    expect(kept.query).toMatchObject({ workspace_id: 'globex', from: '2025-11-01', to: '2025-11-30' });
    const fixed = resolveFilters({ workspace_id: 'nope', campaign: 'Zeta', from: '2025-02-30' }, workspaces, today);
    expect(fixed.query).toMatchObject({ workspace_id: 'acme', campaign: null, from: '2025-11-08' });
    expect(fixed.notices).toHaveLength(3);
  });

  it('explains each kind of unusable range and falls back to the last 30 days', () => {
    const last30 = { from: '2025-11-08', to: '2025-12-07' };
    for (const [params, reason] of [
      [{ to: 'nope' }, /“nope” is not a date/],
      [{ from: '2025-12-01', to: '2025-11-01' }, /start is after the end/],
      [{ from: '2023-01-01', to: '2025-01-01' }, /more than 366 days/],
    ] as const) {
      const resolved = resolveFilters(params, workspaces, today);
      expect(resolved.query).toMatchObject(last30);
      expect(resolved.notices).toEqual([expect.stringMatching(reason)]);
    }
    expect(resolveFilters({ from: '2025-12-01' }, workspaces, today).query).toMatchObject({ from: '2025-12-01', to: '2025-12-07' });
    expect(resolveFilters({ to: '2025-06-30' }, workspaces, today).query).toMatchObject({ from: '2025-06-01', to: '2025-06-30' });
    expect(rangeProblem('2024-01-01', '2024-12-31')).toBeNull();
  });

  it('knows the widest range with data', () => {
    const [acme] = workspaces;
    if (!acme) throw new Error('fixture missing');
    expect(widestRangeWithData(acme, null)).toEqual({ from: '2025-01-01', to: '2025-12-07' });
    expect(widestRangeWithData(acme, 'Alpha')).toEqual({ from: '2025-06-01', to: '2025-06-30' });
  });
});

describe('chart axes', () => {
  it('use round ticks from zero that cover the largest value', () => {
    expect(niceTicks(376)).toEqual([0, 100, 200, 300, 400]);
    expect(niceTicks(9)).toEqual([0, 5, 10]);
    expect(niceTicks(12_345)).toEqual([0, 5000, 10_000, 15_000]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});
