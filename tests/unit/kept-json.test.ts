// How a kept answer is held (lib/dashboard/answer-cache.ts): its JSON text, cut where the freshness
// read with each request goes, so a hit is sent without parsing or serializing the answer again.
import { describe, expect, it } from 'vitest';
import { keptJson } from '../../lib/dashboard/answer-cache';

const freshness = [{ view_name: 'mv_daily_stats', last_refreshed: '2025-06-10T10:00:00Z', age_seconds: 4, live: false }];
const splice = (kept: { head: string; tail: string }, rows: unknown) => kept.head + JSON.stringify(rows) + kept.tail;

describe('a kept answer\'s JSON text', () => {
  it('with the freshness of the request spliced in, is the whole body serialized, keys in their order', () => {
    const body = { workspace_id: 'acme', summary: { sends: 3 }, freshness: [], comparison: null };
    expect(splice(keptJson(body), freshness)).toBe(JSON.stringify({ ...body, freshness }));
    expect(Object.keys(JSON.parse(splice(keptJson(body), freshness)))).toEqual(['workspace_id', 'summary', 'freshness', 'comparison']);
  });

  it('is cut at the body\'s own freshness, whatever the names in the data look like', () => {
    const body = { workspace_id: '"freshness":null', campaigns: [{ campaign_name: 'a","freshness":null,"b' }], freshness: [] };
    const sent = splice(keptJson(body), freshness);
    expect(sent).toBe(JSON.stringify({ ...body, freshness }));
    expect(JSON.parse(sent).campaigns[0].campaign_name).toBe('a","freshness":null,"b');
  });

  it('refuses a body whose freshness cannot be found exactly once', () => {
    const twice = { nested: { freshness: null }, freshness: [] };
    expect(() => keptJson(twice)).toThrow(/exactly one freshness slot/);
  });
});
