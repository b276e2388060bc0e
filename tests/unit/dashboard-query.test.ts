// Parsing of the dashboard query: defaults, limits and the names in its errors.
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../lib/http/errors';
import { addMonths, daysBetween, previousPeriod, resolveRelativeRange } from '../../lib/dashboard/days';
import { parseCampaignsQuery, parseDashboardQuery } from '../../lib/dashboard/query';

const today = '2025-12-07';
const parse = (query: string) => parseDashboardQuery(new URLSearchParams(query), { defaultSource: 'mv', today });

function issuesOf(query: string, parser: (query: string) => unknown = parse): string[] {
  try {
    parser(query);
  } catch (error) {
    if (error instanceof HttpError) return [...new Set((error.extra.issues as Array<{ parameter: string }>).map((i) => i.parameter))];
    throw error;
  }
  throw new Error(`expected ${query} to be refused`);
}

describe('parseDashboardQuery', () => {
  it('defaults to the 30 days ending today (the workspace\'s today), all campaigns, the mv source', () => {
    expect(parse('workspace_id=w')).toEqual({ workspace_id: 'w', from: '2025-11-08', to: '2025-12-07', range: null, campaign: null, source: 'mv',
      interval: 'day', compare: null });
  });

  it('takes the default source from the environment', () => {
    expect(parseDashboardQuery(new URLSearchParams('workspace_id=w'), { defaultSource: 'raw', today }).source).toBe('raw');
  });

  it('fills a missing end: from alone reaches today, to alone looks back 30 days', () => {
    expect(parse('workspace_id=w&from=2025-12-01')).toMatchObject({ from: '2025-12-01', to: '2025-12-07' });
    expect(parse('workspace_id=w&to=2025-03-31')).toMatchObject({ from: '2025-03-02', to: '2025-03-31' });
  });

  it('keeps campaign names as data and treats an empty one as all campaigns', () => {
    expect(parse(`workspace_id=w&campaign=${encodeURIComponent("'; drop table x; --%_")}`).campaign).toBe("'; drop table x; --%_");
    expect(parse('workspace_id=w&campaign=').campaign).toBeNull();
  });

  it('takes any character in a campaign but NUL, and counts its length in characters', () => {
    for (const name of ['tab\there', 'line\nbreak', '   ', '100% _off', 'Café ☕ 東京', '💥'.repeat(200)]) {
      expect(parse(`workspace_id=w&campaign=${encodeURIComponent(name)}`).campaign).toBe(name);
    }
    expect(issuesOf(`workspace_id=w&campaign=${encodeURIComponent('💥'.repeat(201))}`)).toEqual(['campaign']);
    expect(issuesOf('workspace_id=w&campaign=a%00b')).toEqual(['campaign']);
  });

  it('refuses repeated and unknown parameters, naming them', () => {
    expect(issuesOf('workspace_id=w&workspace_id=v')).toEqual(['workspace_id']);
    expect(issuesOf('workspace_id=w&campaign=a&campaign=b')).toEqual(['campaign']);
    expect(issuesOf('workspace_id=w&campaing=a')).toEqual(['campaing']);
  });

  it('accepts leap days only in leap years', () => {
    expect(parse('workspace_id=w&from=2024-02-29&to=2024-03-01').from).toBe('2024-02-29');
    expect(issuesOf('workspace_id=w&from=2025-02-29&to=2025-03-01')).toEqual(['from']);
  });

  it('names every bad parameter at once', () => {
    expect(issuesOf('from=x&to=2025-13-01&source=s').sort()).toEqual(['from', 'source', 'to', 'workspace_id']);
  });

  it('allows 366 days and refuses 367', () => {
    expect(parse('workspace_id=w&from=2025-01-01&to=2026-01-01').to).toBe('2026-01-01');
    expect(issuesOf('workspace_id=w&from=2025-01-01&to=2026-01-02')).toEqual(['from', 'to']);
  });

  it('takes interval=day|week|month and compare=previous, refusing anything else by name', () => {
    expect(parse('workspace_id=w&interval=week')).toMatchObject({ interval: 'week', compare: null });
    expect(parse('workspace_id=w&interval=month&compare=previous')).toMatchObject({ interval: 'month', compare: 'previous' });
    for (const bad of ['Week', 'year', '', 'days']) expect(issuesOf(`workspace_id=w&interval=${bad}`), bad).toEqual(['interval']);
    for (const bad of ['prior', 'PREVIOUS', '', 'true']) expect(issuesOf(`workspace_id=w&compare=${bad}`), bad).toEqual(['compare']);
    expect(issuesOf('workspace_id=w&interval=week&interval=month')).toEqual(['interval']);
  });
});

describe('parseCampaignsQuery', () => {
  const campaigns = (query: string) => parseCampaignsQuery(new URLSearchParams(query), { defaultSource: 'mv', today });

  it('takes the aggregate\'s parameters with its defaults', () => {
    expect(campaigns('workspace_id=w')).toEqual({ workspace_id: 'w', from: '2025-11-08', to: '2025-12-07', range: null, campaign: null, source: 'mv' });
    expect(campaigns('workspace_id=w&range=7d&campaign=A&source=live')).toEqual(
      { workspace_id: 'w', from: '2025-12-01', to: '2025-12-07', range: '7d', campaign: 'A', source: 'live' });
  });

  it('refuses interval and compare (the aggregate\'s only) and every bad parameter, naming them', () => {
    expect(issuesOf('workspace_id=w&interval=week', campaigns)).toEqual(['interval']);
    expect(issuesOf('workspace_id=w&compare=previous', campaigns)).toEqual(['compare']);
    expect(issuesOf('from=2025-02-30&source=x&campaing=a', campaigns).sort()).toEqual(['campaing', 'from', 'source', 'workspace_id']);
    expect(issuesOf('workspace_id=w&from=2025-01-01&to=2026-01-02', campaigns)).toEqual(['from', 'to']);
  });
});

describe('previousPeriod', () => {
  it('is the same number of days, ending the day before', () => {
    expect(previousPeriod({ from: '2025-03-01', to: '2025-03-31' })).toEqual({ from: '2025-01-29', to: '2025-02-28' });
    expect(previousPeriod({ from: '2025-03-01', to: '2025-03-01' })).toEqual({ from: '2025-02-28', to: '2025-02-28' });
  });
});

describe('relative ranges', () => {
  it('resolve on the workspace\'s day: 7d, 30d, 90d end today; 12m starts the day after a year ago; mtd and ytd on the 1st', () => {
    expect(resolveRelativeRange('7d', '2025-12-07')).toEqual({ from: '2025-12-01', to: '2025-12-07' });
    expect(resolveRelativeRange('30d', '2025-12-07')).toEqual({ from: '2025-11-08', to: '2025-12-07' });
    expect(resolveRelativeRange('90d', '2025-12-07')).toEqual({ from: '2025-09-09', to: '2025-12-07' });
    expect(resolveRelativeRange('12m', '2025-12-07')).toEqual({ from: '2024-12-08', to: '2025-12-07' });
    expect(resolveRelativeRange('mtd', '2025-12-07')).toEqual({ from: '2025-12-01', to: '2025-12-07' });
    expect(resolveRelativeRange('ytd', '2025-12-07')).toEqual({ from: '2025-01-01', to: '2025-12-07' });
    expect(resolveRelativeRange('mtd', '2025-12-01')).toEqual({ from: '2025-12-01', to: '2025-12-01' });
  });

  it('stay within the 366-day limit across leap years', () => {
    // Feb 29 a year back does not exist: Feb 28 + 1 day.
    expect(resolveRelativeRange('12m', '2025-02-28')).toEqual({ from: '2024-02-29', to: '2025-02-28' });
    expect(resolveRelativeRange('12m', '2024-02-29')).toEqual({ from: '2023-03-01', to: '2024-02-29' });
    expect(resolveRelativeRange('ytd', '2024-12-31')).toEqual({ from: '2024-01-01', to: '2024-12-31' });
    for (const day of ['2024-02-29', '2024-03-01', '2024-12-31', '2025-01-01', '2028-02-29']) {
      for (const range of ['12m', 'ytd'] as const) {
        const { from, to } = resolveRelativeRange(range, day);
        expect(daysBetween(from, to) + 1).toBeLessThanOrEqual(366);
      }
    }
    expect(addMonths('2025-03-31', -1)).toBe('2025-02-28');
  });

  it('are accepted by the API query, named in its answer, and exclusive with from/to', () => {
    expect(parse('workspace_id=w&range=7d')).toEqual({ workspace_id: 'w', from: '2025-12-01', to: '2025-12-07', range: '7d', campaign: null, source: 'mv',
      interval: 'day', compare: null });
    expect(parse('workspace_id=w&range=ytd').from).toBe('2025-01-01');
    expect(issuesOf('workspace_id=w&range=2w')).toEqual(['range']);
    expect(issuesOf('workspace_id=w&range=7d&from=2025-12-01')).toEqual(['range']);
    expect(issuesOf('workspace_id=w&range=7d&range=30d')).toEqual(['range']);
  });
});
