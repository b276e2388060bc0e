// Formatting for people and the period-over-period arithmetic.
import { describe, expect, it } from 'vitest';
import { formatAge, formatChange, formatCount, formatDay, formatRate, formatTokens, formatUsd, periodChange } from '../../lib/dashboard/format';
import { presetOf, presetRange, resolveFilters, widestRangeWithData } from '../../lib/dashboard/filters';
import { dropOffs } from '../../components/SequenceChart';

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
    { workspace_id: 'acme', first_day: '2025-01-01', last_day: '2025-12-07', campaigns: [{ campaign_name: 'Alpha', first_day: '2025-06-01', last_day: '2025-06-30' }] },
    { workspace_id: 'globex', first_day: '2025-11-01', last_day: '2025-11-30', campaigns: [] },
  ];

  it('defaults to the first workspace, all campaigns, the last 30 days', () => {
    expect(resolveFilters({}, workspaces, today)).toEqual({
      query: { workspace_id: 'acme', from: '2025-11-08', to: '2025-12-07', campaign: null, source: 'mv' }, notices: [],
    });
  });

  it('keeps valid values and replaces unusable ones with a notice each', () => {
    const kept = resolveFilters({ workspace_id: 'globex', from: '2025-11-01', to: '2025-11-30' }, workspaces, today);
    expect(kept.query).toMatchObject({ workspace_id: 'globex', from: '2025-11-01', to: '2025-11-30' });
    const fixed = resolveFilters({ workspace_id: 'nope', campaign: 'Zeta', from: '2025-02-30' }, workspaces, today);
    expect(fixed.query).toMatchObject({ workspace_id: 'acme', campaign: null, from: '2025-11-08' });
    expect(fixed.notices).toHaveLength(3);
  });

  it('knows presets and the widest range with data', () => {
    expect(presetRange(7, today)).toEqual({ from: '2025-12-01', to: '2025-12-07' });
    expect(presetOf({ from: '2025-12-01', to: '2025-12-07' }, today)).toBe('7d');
    expect(presetOf({ from: '2025-12-01', to: '2025-12-06' }, today)).toBeNull();
    const [acme] = workspaces;
    if (!acme) throw new Error('fixture missing');
    expect(widestRangeWithData(acme, null)).toEqual({ from: '2025-01-01', to: '2025-12-07' });
    expect(widestRangeWithData(acme, 'Alpha')).toEqual({ from: '2025-06-01', to: '2025-06-30' });
  });
});
