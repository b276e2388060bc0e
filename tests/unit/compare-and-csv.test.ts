// The comparison rules (percent for counts, percentage points for rates, which days are compared)
// and the CSV export (quoting, formula text, file names, the numbers of the answer).
import { describe, expect, it } from 'vitest';
import { comparisonNote, countChange, rateChange, type Comparison } from '../../lib/dashboard/compare';
import { csvFileName, costCsv, timeseriesCsv, toCsv } from '../../lib/dashboard/csv';
import type { DashboardSummary } from '../../lib/dashboard/response';

const nbsp = '\u00a0';
const summary = (over: Partial<DashboardSummary> = {}): DashboardSummary => ({
  sends: 0, opens: 0, clicks: 0, replies: 0, bounces: 0, opt_outs: 0, unique_contacts: 0,
  open_rate: null, click_rate: null, reply_rate: null, bounce_rate: null, opt_out_rate: null,
  total_cost_usd: 0, llm_calls: 0, tokens_in: 0, tokens_out: 0, ...over,
});

describe('changes against the compared period', () => {
  it('are percent of the earlier value for counts, none when it was zero', () => {
    expect(countChange(120, 100)).toEqual({ value: 0.2, text: `▲ 20.0${nbsp}%` });
    expect(countChange(75, 100)?.text).toBe(`▼ 25.0${nbsp}%`);
    expect(countChange(5, 0)).toBeNull();
    expect(countChange(null, 4)).toBeNull();
  });

  it('are percentage points for rates: 2.0 % → 2.5 % is +0.5 pp, not +25 %', () => {
    const change = rateChange(0.025, 0.02);
    expect(change?.value).toBeCloseTo(0.005);
    expect(change?.text).toBe(`▲ 0.5${nbsp}pp`);
    expect(rateChange(0.1, 0.112)?.text).toBe(`▼ 1.2${nbsp}pp`);
    expect(rateChange(0.3, 0.3)?.text).toBe(`± 0.0${nbsp}pp`);
    // A rate over 1 (opens of earlier sends) is a rate like any other.
    expect(rateChange(1.25, 1)?.text).toBe(`▲ 25.0${nbsp}pp`);
    expect(rateChange(null, 0.02)).toBeNull();
  });

  it('count a change too small to show as none: neither good nor bad news', () => {
    expect(countChange(100_040, 100_000)).toEqual({ value: 0, text: `± 0.0${nbsp}%` });
    expect(rateChange(0.10604, 0.10608)).toEqual({ value: 0, text: `± 0.0${nbsp}pp` });
    expect(rateChange(0.1066, 0.1060)?.value).toBe(0.001);
  });

  it('say on screen which days are compared, and that today is left out', () => {
    const comparison: Comparison = {
      current: { from: '2025-11-08', to: '2025-12-06', summary: summary() },
      previous: { from: '2025-10-10', to: '2025-11-07', summary: summary() },
      partial_day: '2025-12-07',
    };
    const range = { from: '2025-11-08', to: '2025-12-07' };
    expect(comparisonNote(comparison, range, 'en-US')).toBe('Changes compare Nov 8 – Dec 6, 2025 with Oct 10 – Nov 7, 2025 (today is still filling and is left out).');
    expect(comparisonNote({ ...comparison, partial_day: null }, { from: '2025-11-08', to: '2025-12-06' }, 'en-US')).toBe('Changes compare Nov 8 – Dec 6, 2025 with Oct 10 – Nov 7, 2025.');
    expect(comparisonNote(comparison, { from: '2025-11-08', to: '2025-12-31' }, 'en-US')).toMatch(/left out, as are the days after it\)\.$/);
    expect(comparisonNote(null, { from: '2025-12-07', to: '2025-12-07' })).toMatch(/no complete day/);
  });
});

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks, and defuses text a spreadsheet would run as a formula', () => {
    const csv = toCsv([{ name: 'a,b', note: 'say "hi"\nthen go' }, { name: '=HYPERLINK("x")', note: '-1+1' }, { name: '@sum', note: null }], [
      { header: 'name', value: (r) => r.name },
      { header: 'note', value: (r) => r.note },
    ]);
    expect(csv).toBe('name,note\r\n"a,b","say ""hi""\nthen go"\r\n"\'=HYPERLINK(""x"")",\'-1+1\r\n\'@sum,\r\n');
  });

  it('keeps numbers as numbers, negative ones too, and leaves no cell for a missing one', () => {
    expect(toCsv([{ v: -2.5 }, { v: Number.NaN }, { v: 0.000123 }], [{ header: 'v', value: (r) => r.v }])).toBe('v\r\n-2.5\r\n\r\n0.000123\r\n');
  });

  it('exports the timeseries with a column per provider, and the cost table, with the answer\'s numbers', () => {
    const timeseries = [
      { day: '2025-11-03', sends: 10, opens: 4, clicks: 1, replies: 1, bounces: 0, opt_outs: 0, unique_contacts: 9, cost_usd: 0.123456, cost_by_provider: { openai: 0.1, anthropic: 0.023456 } },
      { day: '2025-11-10', sends: 0, opens: 0, clicks: 0, replies: 0, bounces: 0, opt_outs: 0, unique_contacts: 0, cost_usd: 0, cost_by_provider: { openai: 0, anthropic: 0 } },
    ];
    expect(timeseriesCsv({ timeseries }, 'Asia/Kolkata').split('\r\n')).toEqual([
      'day (Asia/Kolkata),sends,opens,clicks,replies,bounces,opt_outs,unique_contacts,cost_usd,cost_usd_anthropic,cost_usd_openai',
      '2025-11-03,10,4,1,1,0,0,9,0.123456,0.023456,0.1',
      '2025-11-10,0,0,0,0,0,0,0,0,0,0',
      '',
    ]);
    const cost_breakdown = [{ provider: 'openai', model: 'gpt-4o', total_cost_usd: 1.5, tokens_in: 1000, tokens_out: 200, call_count: 3 }];
    expect(costCsv({ cost_breakdown })).toBe('provider,model,call_count,tokens_in,tokens_out,total_cost_usd\r\nopenai,gpt-4o,3,1000,200,1.5\r\n');
  });

  it('names files after workspace, campaign, range and the zone of its days, safely', () => {
    expect(csvFileName({ workspace_id: 'acme', campaign: null, from: '2025-11-01', to: '2025-11-30', time_zone: 'America/New_York' }, 'timeseries'))
      .toBe('campaign-analytics_acme_all-campaigns_2025-11-01_2025-11-30_America-New_York_timeseries.csv');
    expect(csvFileName({ workspace_id: 'ac/me', campaign: 'Q4 "Launch": Café ☕', from: '2025-11-01', to: '2025-11-30', time_zone: 'UTC' }, 'campaigns'))
      .toBe('campaign-analytics_ac-me_Q4-Launch-Cafe_2025-11-01_2025-11-30_UTC_campaigns.csv');
  });
});
