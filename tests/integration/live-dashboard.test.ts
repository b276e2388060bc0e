// source=live on GET /api/dashboard/aggregate: exact to the last committed event without a refresh,
// while source=mv stays as of the last refresh; a refresh running meanwhile neither blocks it nor
// makes it wrong; its ETag moves with every committed write.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as aggregate } from '../../app/api/dashboard/aggregate/route';
import { GET as campaignsRoute } from '../../app/api/dashboard/campaigns/route';
import type { CampaignsResponse, DashboardResponse } from '../../lib/dashboard/response';
import { addDays, toDay } from '../../lib/dashboard/days';
import { connect, insertEvents, insertLlmUsage, refreshViewsNow, uniqueWorkspace } from '../support/db';
import { callRoute } from '../support/routes';

const TODAY = toDay(new Date());
const FROM = addDays(TODAY, -120);
let client: pg.Client;
let ws: string;

beforeAll(async () => {
  client = await connect({ timezone: 'America/St_Johns' });
  ws = uniqueWorkspace('live');
  await insertEvents(client, [
    { workspace_id: ws, contact_email: 'ann@example.com', event_ts: `${addDays(TODAY, -100)}T10:00:00Z` },
    { workspace_id: ws, contact_email: 'ann@example.com', event_ts: `${addDays(TODAY, -3)}T10:00:00Z` },
    { workspace_id: ws, contact_email: 'bob@example.com', event_ts: `${addDays(TODAY, -3)}T11:00:00Z`, campaign_name: 'Beta' },
    { workspace_id: ws, contact_email: 'bob@example.com', event_ts: `${addDays(TODAY, -2)}T11:00:00Z`, event_type: 'opened', campaign_name: 'Beta' },
  ]);
  await insertLlmUsage(client, [{ workspace_id: ws, created_at: `${addDays(TODAY, -3)}T09:00:00Z`, cost_usd: '0.25' }]);
  await refreshViewsNow(client);
});
afterAll(async () => {
  await client.end();
});

async function answer(source: 'mv' | 'raw' | 'live', campaign?: string, headers: Record<string, string> = {}) {
  const query = new URLSearchParams({ workspace_id: ws, from: FROM, to: TODAY, source });
  if (campaign) query.set('campaign', campaign);
  return callRoute<DashboardResponse>(aggregate, `/api/dashboard/aggregate?${query}`, { headers });
}

/** The figures of an answer, without its freshness and source. */
async function figures(source: 'mv' | 'raw' | 'live', campaign?: string) {
  const { status, body } = await answer(source, campaign);
  expect(status).toBe(200);
  return { summary: body.summary, timeseries: body.timeseries, sequence: body.sequence, cost_breakdown: body.cost_breakdown };
}

describe('GET /api/dashboard/aggregate?source=live', () => {
  it('equals the raw truth after inserts, back-fills, updates and deletes with no refresh, while mv keeps the old numbers', async () => {
    await refreshViewsNow(client);
    const before = await figures('mv');
    expect(await figures('live')).toEqual(before);
    expect(before.summary.unique_contacts).toBe(2);

    // New contact today, a late event months back for a new contact, a contact moved between
    // campaigns, one erased entirely, and LLM cost today.
    await insertEvents(client, [
      { workspace_id: ws, contact_email: 'cat@example.com', event_ts: `${TODAY}T00:00:01Z` },
      { workspace_id: ws, contact_email: 'dan@example.com', event_ts: `${addDays(TODAY, -90)}T23:59:59Z`, event_type: 'replied' },
    ]);
    await client.query(`update email_events set campaign_name = 'Gamma' where workspace_id = $1 and contact_email = 'ann@example.com'`, [ws]);
    await client.query(`delete from email_events where workspace_id = $1 and contact_email = 'bob@example.com'`, [ws]);
    await insertLlmUsage(client, [{ workspace_id: ws, created_at: `${TODAY}T08:00:00Z`, cost_usd: '1.5' }]);

    const raw = await figures('raw');
    const live = await answer('live');
    expect(live.status).toBe(200);
    const { summary, timeseries, sequence, cost_breakdown } = live.body;
    expect({ summary, timeseries, sequence, cost_breakdown }).toEqual(raw);
    // bob erased, cat and dan added: ann, cat, dan.
    expect(summary.unique_contacts).toBe(3);
    expect(summary.total_cost_usd).toBe(1.75);
    for (const campaign of ['Campaign A', 'Beta', 'Gamma']) expect(await figures('live', campaign), campaign).toEqual(await figures('raw', campaign));
    // mv still answers as of the last refresh.
    expect(await figures('mv')).toEqual(before);

    // Freshness says what the answer is: live; five days pending (two of appended rows, three with an
    // update or a delete), and only the three days with an update or a delete read from raw rows whole
    // (the appended rows are read by id, added to the views' numbers).
    const byView = Object.fromEntries(live.body.freshness.map((f) => [f.view_name, f]));
    expect(live.body.source).toBe('live');
    expect(byView.mv_daily_stats).toMatchObject({ live: true, raw_buckets: 3, pending_buckets: 5 });
    expect(byView.mv_llm_cost).toMatchObject({ live: true, raw_buckets: 0, pending_buckets: 1 });

    await refreshViewsNow(client);
    const after = await figures('mv');
    expect(after).toEqual(raw);
    expect(await figures('live')).toEqual(raw);
    const fresh = await answer('live');
    expect(fresh.body.freshness.map((f) => f.raw_buckets)).toEqual([0, 0, 0]);
  });

  it('is exact on a busy day whether the day\'s recorded contacts are looked up one by one or read in one range', async () => {
    // The live answer looks each pending contact up in the per-contact state while the day holds ten
    // times as many recorded contact-days as are pending, and reads the day's whole range past that.
    const busy = uniqueWorkspace('live-busy');
    const at = (hour: number) => `${TODAY}T${String(hour).padStart(2, '0')}:00:00Z`;
    const seen = Array.from({ length: 30 }, (_, i) => ({
      workspace_id: busy, contact_email: `c${i}@example.com`, event_ts: at(1 + (i % 3)), campaign_name: i % 2 === 0 ? 'Even' : 'Odd',
    }));
    // some of them also active earlier in the range: a span's contacts are counted once
    seen.push(...seen.slice(0, 6).map((e) => ({ ...e, event_ts: `${addDays(TODAY, -5)}T10:00:00Z` })));
    await insertEvents(client, seen);
    await refreshViewsNow(client);
    // The dashboard's figures and the campaigns table (which looks pending contacts up one by one), from one source.
    const read = async (source: 'raw' | 'live', campaign?: string) => {
      const query = new URLSearchParams({ workspace_id: busy, from: addDays(TODAY, -29), to: TODAY, source });
      if (campaign) query.set('campaign', campaign);
      const { body } = await callRoute<DashboardResponse>(aggregate, `/api/dashboard/aggregate?${query}&compare=previous`);
      const table = await callRoute<CampaignsResponse>(campaignsRoute, `/api/dashboard/campaigns?${query}`);
      return { summary: body.summary, timeseries: body.timeseries, comparison: body.comparison, campaigns: table.body.campaigns };
    };
    const raw = (campaign?: string) => read('raw', campaign);
    const live = (campaign?: string) => read('live', campaign);
    // Two pending contacts against 30 recorded: looked up one by one (one already active today, one new).
    await insertEvents(client, [
      { workspace_id: busy, contact_email: 'c1@example.com', event_ts: at(5), campaign_name: 'Odd' },
      { workspace_id: busy, contact_email: 'new1@example.com', event_ts: at(5), campaign_name: 'Even' },
    ]);
    for (const campaign of [undefined, 'Even', 'Odd']) expect(await live(campaign), campaign).toEqual(await raw(campaign));
    // Seven pending against 30: the day read in one range (active today, active only earlier, new, moved campaign).
    await insertEvents(client, [
      { workspace_id: busy, contact_email: 'c2@example.com', event_ts: at(6), campaign_name: 'Odd' },
      { workspace_id: busy, contact_email: 'c4@example.com', event_ts: at(6), campaign_name: 'Odd' },
      { workspace_id: busy, contact_email: 'new2@example.com', event_ts: at(6), campaign_name: 'Odd' },
      { workspace_id: busy, contact_email: 'new3@example.com', event_ts: at(7) },
      { workspace_id: busy, contact_email: 'c3@example.com', event_ts: `${addDays(TODAY, -1)}T10:00:00Z`, campaign_name: 'Odd' },
    ]);
    for (const campaign of [undefined, 'Even', 'Odd']) expect(await live(campaign), campaign).toEqual(await raw(campaign));
    const expected = await raw();
    await refreshViewsNow(client);
    expect(await live()).toEqual(expected);
  });

  it('is neither blocked nor made wrong by a refresh running at the same time', async () => {
    await insertEvents(client, [{ workspace_id: ws, contact_email: 'eve@example.com', event_ts: `${TODAY}T12:00:00Z` }]);
    const expected = await figures('raw');
    // A refresh that has rewritten the views but not committed: live readers must still see the
    // old views with the pending bucket read from raw rows, never both or neither.
    const refresher = await connect();
    try {
      await refresher.query('begin');
      await refresher.query('select public.refresh_dashboard_views()');
      const started = Date.now();
      for (let i = 0; i < 3; i++) expect(await figures('live')).toEqual(expected);
      expect(Date.now() - started).toBeLessThan(5_000);
      await refresher.query('commit');
    } finally {
      await refresher.end();
    }
    expect(await figures('live')).toEqual(expected);
    expect(await figures('mv')).toEqual(expected);
  });

  it('answers 304 while nothing changed and a new ETag once an event is committed', async () => {
    await refreshViewsNow(client);
    const first = await answer('live');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"a-[\w-]{27}"$/);
    expect((await answer('live', undefined, { 'if-none-match': etag ?? '' })).status).toBe(304);
    await insertEvents(client, [{ workspace_id: ws, contact_email: 'fay@example.com', event_ts: `${TODAY}T13:00:00Z` }]);
    const changed = await answer('live', undefined, { 'if-none-match': etag ?? '' });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(changed.body.summary.unique_contacts).toBe(first.body.summary.unique_contacts + 1);
    // A write to another workspace does not move this workspace's live ETag.
    const now = changed.headers.get('etag') ?? '';
    await insertEvents(client, [{ workspace_id: uniqueWorkspace('other'), event_ts: `${TODAY}T13:00:00Z` }]);
    expect((await answer('live', undefined, { 'if-none-match': now })).status).toBe(304);
  });

  it('is the default with DASHBOARD_SOURCE=live', async () => {
    const previous = process.env.DASHBOARD_SOURCE;
    process.env.DASHBOARD_SOURCE = 'live';
    const { resetEnvCache } = await import('../../lib/env');
    resetEnvCache();
    try {
      const query = new URLSearchParams({ workspace_id: ws, from: FROM, to: TODAY });
      const { status, body } = await callRoute<DashboardResponse>(aggregate, `/api/dashboard/aggregate?${query}`);
      expect(status).toBe(200);
      expect(body.source).toBe('live');
    } finally {
      if (previous === undefined) delete process.env.DASHBOARD_SOURCE;
      else process.env.DASHBOARD_SOURCE = previous;
      resetEnvCache();
    }
  });
});
