// npm run bench -- --load: the mix of questions its viewers ask, and its report (the figures
// themselves come from a run against `next start`).
import { describe, expect, it } from 'vitest';
import { parseCampaignsRequest, parseDashboardRequest } from '../../lib/dashboard/query';
import { loadReport, requestMix, type LoadResult } from '../../scripts/lib/bench/load';

const target = { workspace: 'acme & co', campaign: 'Spring', time_zone: 'UTC', today: '2025-06-10' };

describe('npm run bench -- --load', () => {
  it('repeats the page\'s default question and varies the rest over ranges, campaigns and the campaigns table, all valid requests', () => {
    const mix = requestMix(target, ['Spring', 'Autumn']);
    expect(mix.repeated).toBe('/api/dashboard/aggregate?workspace_id=acme%20%26%20co&range=30d&compare=previous');
    expect(mix.others).not.toContain(mix.repeated);
    expect(new Set(mix.others).size).toBe(mix.others.length);
    expect(mix.others.some((path) => path.includes('campaign=Autumn'))).toBe(true);
    expect(mix.others.some((path) => path.startsWith('/api/dashboard/campaigns?'))).toBe(true);
    for (const path of [mix.repeated, ...mix.others]) {
      const url = new URL(path, 'http://localhost');
      const parse = url.pathname.endsWith('/campaigns') ? parseCampaignsRequest : parseDashboardRequest;
      expect(parse(url.searchParams, { defaultSource: 'mv' }).workspace_id).toBe('acme & co');
    }
  });

  it('reports both sides with the cache\'s hit rate, the ratio of requests per second and one client\'s medians', () => {
    const side = (cache: 'on' | 'off', rps: number, hits: number) => ({
      cache, requests: 100, requests_per_second: rps, p50_ms: 10, p99_ms: 50, hit_rate: hits, cache_headers: {}, errors: 0,
    });
    const result: LoadResult = {
      events: 100_000, clients: 16, seconds: 15, target, mix: { repeat_share: 0.8, repeated: '/q', others: 29 },
      sides: [side('on', 300, 0.95), side('off', 100, 0)],
      one_client: { path: '/q', sides: [
        { cache: 'on', requests: 500, p50_ms: 4.2, p95_ms: 6.1, cache_headers: { hit: 500 } },
        { cache: 'off', requests: 500, p50_ms: 21.5, p95_ms: 30.2, cache_headers: { off: 500 } },
      ] },
    };
    const report = loadReport(result);
    expect(report).toContain('100,000 events');
    expect(report).toMatch(/on\s+300\s+10\s+50\s+95 %/);
    expect(report).toMatch(/off\s+100\s+10\s+50\s+0 %/);
    expect(report).toContain('3x requests/s');
    expect(report).toMatch(/on\s+4\.2\s+6\.1\s+500\s+hit 500/);
    expect(report).toMatch(/off\s+21\.5\s+30\.2\s+500\s+off 500/);
  });
});
