// GET /api/dashboard/aggregate and /api/dashboard/workspaces, called in-process against the real
// Postgres of the test run.
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as aggregate } from '../../app/api/dashboard/aggregate/route';
import { GET as workspaces } from '../../app/api/dashboard/workspaces/route';
import { setStoreForTests } from '../../lib/db';
import { createPostgresStore } from '../../lib/db/postgres';
import { dashboardResponseSchema, workspacesResponseSchema, type DashboardResponse } from '../../lib/dashboard/response';
import { resetEnvCache } from '../../lib/env';
import { connect, databaseUrl, insertEvents, insertLlmUsage, refreshViewsNow, uniqueWorkspace } from '../support/db';
import { callRoute } from '../support/routes';
import { addDays } from '../../lib/dashboard/days';

let client: pg.Client;
const ws = uniqueWorkspace('api');
const awkward = "O'Brien 100% _x'; drop table email_events; --";

beforeAll(async () => {
  client = await connect();
  await insertEvents(client, [
    { workspace_id: ws, campaign_name: 'Alpha', contact_email: 'a@x', event_type: 'sent', email_number: 1, event_ts: '2025-03-01T23:59:59Z' },
    { workspace_id: ws, campaign_name: 'Alpha', contact_email: 'a@x', event_type: 'opened', email_number: 1, event_ts: '2025-03-02T00:00:00Z' },
    { workspace_id: ws, campaign_name: 'Alpha', contact_email: 'b@x', event_type: 'sent', email_number: 2, event_ts: '2025-03-02T10:00:00Z' },
    { workspace_id: ws, campaign_name: 'Alpha', contact_email: 'b@x', event_type: 'replied', email_number: 2, event_ts: '2025-03-03T10:00:00Z' },
    { workspace_id: ws, campaign_name: awkward, contact_email: 'a@x', event_type: 'sent', email_number: 6, event_ts: '2025-03-02T12:00:00Z' },
    { workspace_id: ws, campaign_name: 'Alpha_', contact_email: 'c@x', event_type: 'sent', email_number: 1, event_ts: '2025-03-02T12:00:00Z' },
  ]);
  await insertLlmUsage(client, [
    { workspace_id: ws, campaign_name: 'Alpha', provider: 'openai', model: 'gpt-4o-mini', cost_usd: '0.25', tokens_in: 100, tokens_out: 10, created_at: '2025-03-02T08:00:00Z' },
    { workspace_id: ws, campaign_name: null, provider: 'anthropic', model: 'claude-haiku', cost_usd: '1.5', tokens_in: 300, tokens_out: 30, created_at: '2025-03-03T08:00:00Z' },
  ]);
  await refreshViewsNow(client);
});

afterAll(async () => {
  await client.end();
});

const url = (params: Record<string, string>) => `/api/dashboard/aggregate?${new URLSearchParams(params)}`;

describe('GET /api/dashboard/aggregate', () => {
  it('answers the contract shape, with every figure of a known workspace', async () => {
    const { status, body, headers } = await callRoute<DashboardResponse>(aggregate, url({ workspace_id: ws, from: '2025-03-01', to: '2025-03-03' }));
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('private, max-age=0, must-revalidate');
    dashboardResponseSchema.parse(body);
    expect(body).toMatchObject({ workspace_id: ws, from: '2025-03-01', to: '2025-03-03', campaign: null, source: 'mv' });
    expect(body.summary).toMatchObject({
      sends: 4, opens: 1, clicks: 0, replies: 1, bounces: 0, opt_outs: 0, unique_contacts: 3,
      open_rate: 0.25, reply_rate: 0.25, click_rate: 0, total_cost_usd: 1.75, llm_calls: 2, tokens_in: 400, tokens_out: 40,
    });
    expect(body.timeseries.map((d) => [d.day, d.sends, d.unique_contacts, d.cost_usd])).toEqual([
      ['2025-03-01', 1, 1, 0], ['2025-03-02', 3, 3, 0.25], ['2025-03-03', 0, 1, 1.5],
    ]);
    expect(body.timeseries[1]?.cost_by_provider).toEqual({ openai: 0.25, anthropic: 0 });
    expect(body.sequence).toEqual([{ step: 1, sends: 2 }, { step: 2, sends: 1 }, { step: 3, sends: 0 }, { step: 4, sends: 0 }, { step: 5, sends: 0 },
      { step: 6, sends: 1 }]);
    expect(body.cost_breakdown.map((row) => [row.provider, row.total_cost_usd, row.call_count])).toEqual([['anthropic', 1.5, 1], ['openai', 0.25, 1]]);
    expect(body.freshness.map((f) => f.view_name)).toContain('mv_daily_stats');
    // The test database's TimeZone is Pacific/Chatham; times still come out in UTC.
    for (const f of body.freshness) expect(f.last_refreshed).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  });

  it('limits every figure, LLM cost too, to one campaign matched exactly (quotes, %, _ are data)', async () => {
    const alpha = await callRoute<DashboardResponse>(aggregate, url({ workspace_id: ws, from: '2025-03-01', to: '2025-03-03', campaign: 'Alpha' }));
    expect(alpha.body.summary).toMatchObject({ sends: 2, unique_contacts: 2, total_cost_usd: 0.25, llm_calls: 1 });
    expect(alpha.body.campaign).toBe('Alpha');
    const odd = await callRoute<DashboardResponse>(aggregate, url({ workspace_id: ws, from: '2025-03-01', to: '2025-03-03', campaign: awkward }));
    expect(odd.status).toBe(200);
    expect(odd.body.summary).toMatchObject({ sends: 1, unique_contacts: 1, total_cost_usd: 0 });
    // Steps 1-5 always, then step 6 because it has a send in the range.
    expect(odd.body.sequence).toEqual([...[1, 2, 3, 4, 5].map((step) => ({ step, sends: 0 })), { step: 6, sends: 1 }]);
    for (const pattern of ['Alpha%', 'Alph_', '%']) {
      const like = await callRoute<DashboardResponse>(aggregate, url({ workspace_id: ws, from: '2025-03-01', to: '2025-03-03', campaign: pattern }));
      expect(like.body.summary.sends, pattern).toBe(0);
    }
    const count = await client.query('select count(*)::int as n from email_events where workspace_id = $1', [ws]);
    expect(count.rows[0].n).toBe(6);
  });

  it('answers 200 with zeros, not 404, for a workspace or campaign without data', async () => {
    const { status, body } = await callRoute<DashboardResponse>(aggregate, url({ workspace_id: uniqueWorkspace('empty'), from: '2025-01-01', to: '2025-01-07' }));
    expect(status).toBe(200);
    expect(body.summary).toMatchObject({ sends: 0, unique_contacts: 0, open_rate: null, reply_rate: null, total_cost_usd: 0 });
    expect(body.timeseries).toHaveLength(7);
    expect(body.cost_breakdown).toEqual([]);
  });

  /** Today in a zone by the database's clock, read before and after `act` (a midnight may pass between). */
  async function aroundToday<T>(zone: string, act: () => Promise<T>): Promise<{ result: T; todays: string[] }> {
    const today = async () => (await client.query(`select to_char((now() at time zone $1)::date, 'YYYY-MM-DD') as d`, [zone])).rows[0].d as string;
    const before = await today();
    const result = await act();
    return { result, todays: [before, await today()] };
  }

  it("defaults to the 30 days ending today in the workspace's zone (UTC without one)", async () => {
    const { result: { status, body }, todays } = await aroundToday('UTC', () => callRoute<DashboardResponse>(aggregate, url({ workspace_id: ws })));
    expect(status).toBe(200);
    expect(todays).toContain(body.to);
    expect(body).toMatchObject({ from: addDays(body.to, -29), time_zone: 'UTC' });
    expect(body.timeseries).toHaveLength(30);
    expect(body.timeseries.at(-1)?.day).toBe(body.to);
  });

  it("answers a relative range (range=7d, mtd) for the days it covers on the workspace's today, in its zone", async () => {
    // Fourteen hours ahead of UTC and eleven behind: at any moment one of them is not on UTC's date.
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC']) {
      const zoned = uniqueWorkspace('zoned');
      await client.query('insert into workspace_settings (workspace_id, time_zone) values ($1, $2)', [zoned, zone]);
      const { result: week, todays } = await aroundToday(zone, () => callRoute<DashboardResponse>(aggregate, url({ workspace_id: zoned, range: '7d' })));
      expect(week.status).toBe(200);
      expect(todays, zone).toContain(week.body.to);
      expect(week.body).toMatchObject({ from: addDays(week.body.to, -6), time_zone: zone, partial_day: week.body.to });
      const month = await callRoute<DashboardResponse>(aggregate, url({ workspace_id: zoned, range: 'mtd' }));
      expect(month.body.from).toBe(`${month.body.to.slice(0, 8)}01`);
    }
    const week = await callRoute<DashboardResponse>(aggregate, url({ workspace_id: ws, from: '2025-02-25', to: '2025-03-03' }));
    expect(week.body.summary.sends).toBe(4);
  });

  it('answers 304 to a matching If-None-Match until the views are refreshed', async () => {
    const target = url({ workspace_id: ws, from: '2025-03-01', to: '2025-03-03' });
    const first = await callRoute(aggregate, target);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"a-[\w-]{27}"$/);
    const again = await aggregate(new Request(new URL(target, 'http://localhost'), { headers: { 'If-None-Match': etag ?? '' } }));
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const otherQuery = await callRoute(aggregate, url({ workspace_id: ws, from: '2025-03-01', to: '2025-03-02' }), { headers: { 'If-None-Match': etag ?? '' } });
    expect(otherQuery.status).toBe(200);
    // A refresh that writes nothing of this workspace leaves its answers (and their tags) as they were:
    // the tag holds nothing global.
    await insertEvents(client, [{ workspace_id: uniqueWorkspace('elsewhere'), event_ts: '2025-03-02T10:00:00Z' }]);
    await refreshViewsNow(client);
    expect((await callRoute(aggregate, target, { headers: { 'If-None-Match': etag ?? '' } })).status).toBe(304);
    // One that writes its rows moves them.
    await insertEvents(client, [{ workspace_id: ws, campaign_name: 'Alpha', event_type: 'clicked', event_ts: '2025-03-02T11:00:00Z' }]);
    await refreshViewsNow(client);
    const afterRefresh = await callRoute(aggregate, target, { headers: { 'If-None-Match': etag ?? '' } });
    expect(afterRefresh.status).toBe(200);
    expect(afterRefresh.headers.get('etag')).not.toBe(etag);
  });

  it('names Accept-Encoding in Vary, on the 200 and the 304: the answer may leave compressed or as it is', async () => {
    const target = url({ workspace_id: ws, from: '2025-03-01', to: '2025-03-03' });
    const answered = await callRoute(aggregate, target, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    expect(answered.headers.get('vary')).toBe('Accept-Encoding');
    const etag = answered.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"a-[\w-]{27}"$/);
    const revalidated = await aggregate(new Request(new URL(target, 'http://localhost'), { headers: { 'If-None-Match': etag } }));
    expect([revalidated.status, revalidated.headers.get('vary'), revalidated.headers.get('etag')]).toEqual([304, 'Accept-Encoding', etag]);
  });

  const badInputs: Array<[string, Record<string, string> | string, string]> = [
    ['a missing workspace_id', { from: '2025-01-01', to: '2025-01-02' }, 'workspace_id'],
    ['an empty workspace_id', { workspace_id: '' }, 'workspace_id'],
    ['an over-long workspace_id', { workspace_id: 'w'.repeat(201) }, 'workspace_id'],
    ['a NUL byte in workspace_id', { workspace_id: 'a\u0000b' }, 'workspace_id'],
    ['a malformed from', { workspace_id: 'w', from: '2025-1-1' }, 'from'],
    ['an impossible date', { workspace_id: 'w', from: '2025-02-30', to: '2025-03-01' }, 'from'],
    ['a malformed to', { workspace_id: 'w', to: 'yesterday' }, 'to'],
    ['from after to', { workspace_id: 'w', from: '2025-03-02', to: '2025-03-01' }, 'from'],
    ['a span over 366 days', { workspace_id: 'w', from: '2024-01-01', to: '2025-01-01' }, 'to'],
    ['an unknown source', { workspace_id: 'w', source: 'cache' }, 'source'],
    ['an over-long campaign', { workspace_id: 'w', campaign: 'c'.repeat(201) }, 'campaign'],
    ['an unknown parameter', { workspace_id: 'w', campaing: 'Alpha' }, 'campaing'],
    ['a repeated parameter', 'workspace_id=w&from=2025-01-01&from=2025-01-02', 'from'],
    ['an unknown relative range', { workspace_id: 'w', range: '2w' }, 'range'],
    ['a range with from', { workspace_id: 'w', range: '7d', from: '2025-01-01' }, 'range'],
  ];
  for (const [what, params, parameter] of badInputs) {
    it(`answers 400 naming "${parameter}" for ${what}`, async () => {
      const query = typeof params === 'string' ? params : new URLSearchParams(params).toString();
      const { status, body } = await callRoute<{ error: string; issues: Array<{ parameter: string; message: string }> }>(aggregate, `/api/dashboard/aggregate?${query}`);
      expect(status).toBe(400);
      expect(body.error).toContain(parameter);
      expect(body.issues.map((issue) => issue.parameter)).toContain(parameter);
    });
  }

  it('accepts a span of exactly 366 days', async () => {
    const { status, body } = await callRoute<DashboardResponse>(aggregate, url({ workspace_id: ws, from: '2024-01-01', to: '2024-12-31' }));
    expect(status).toBe(200);
    expect(body.timeseries).toHaveLength(366);
  });

  it('never answers 5xx to a fuzzed query string', async () => {
    const keys = ['workspace_id', 'from', 'to', 'campaign', 'source', 'x', '', '%00', 'from[]'];
    const values = ['', 'w', ws, '2025-03-01', '2025-13-01', '0000-00-00', '9999-12-31', '2025-02-29', '2024-02-29', 'raw', 'mv',
      '\u0000', '%', "'", '"', '\\', '💥', 'a'.repeat(5000), '2025-03-01T00:00:00Z', '-1', 'null', 'undefined'];
    let seed = 7;
    const pick = <T,>(list: T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return list[seed % list.length] as T;
    };
    for (let i = 0; i < 150; i++) {
      const params = new URLSearchParams();
      const count = 1 + (i % 5);
      for (let j = 0; j < count; j++) params.append(pick(keys), pick(values));
      const response = await aggregate(new Request(`http://localhost/api/dashboard/aggregate?${params}`));
      expect(response.status, params.toString().slice(0, 200)).toBeLessThan(500);
      expect([200, 400]).toContain(response.status);
    }
  });

  it('answers 503 with a short message and logs the cause when the database is down', async () => {
    const down = createPostgresStore({ connectionString: 'postgresql://nobody:secret@127.0.0.1:1/none' });
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    setStoreForTests(down);
    try {
      const { status, body } = await callRoute<{ error: string }>(aggregate, url({ workspace_id: ws }));
      expect(status).toBe(503);
      expect(body).toEqual({ error: 'The database is unavailable.' });
      const line = JSON.parse(String(log.mock.calls[0]?.[0]));
      expect(line).toMatchObject({ level: 'error', event: 'database_unavailable', function: 'dashboard_answer_context' });
      expect(line.cause).toMatch(/ECONNREFUSED|connect/);
      expect(JSON.stringify(line)).not.toContain('secret');
    } finally {
      log.mockRestore();
      setStoreForTests(createPostgresStore({ connectionString: databaseUrl() }));
      await down.close();
    }
  });

  it('answers 503 "schema is not up to date" when the SQL function is missing', async () => {
    await client.query('begin');
    try {
      await client.query('alter function public.dashboard_aggregate(text, date, date, text, text, bigint, text, text) rename to dashboard_aggregate_hidden');
      await client.query('commit');
      const log = vi.spyOn(console, 'error').mockImplementation(() => {});
      const { status, body } = await callRoute<{ error: string }>(aggregate, url({ workspace_id: ws }));
      log.mockRestore();
      expect(status).toBe(503);
      expect(body.error).toMatch(/schema is not up to date/);
    } finally {
      await client.query('alter function public.dashboard_aggregate_hidden(text, date, date, text, text, bigint, text, text) rename to dashboard_aggregate');
    }
  });
});

describe('GET /api/dashboard/workspaces', () => {
  it('lists workspaces with their campaigns and days of data', async () => {
    const { status, body } = await callRoute(workspaces, '/api/dashboard/workspaces');
    expect(status).toBe(200);
    const parsed = workspacesResponseSchema.parse(body);
    const mine = parsed.workspaces.find((w) => w.workspace_id === ws);
    expect(mine).toEqual({
      workspace_id: ws, first_day: '2025-03-01', last_day: '2025-03-03',
      campaigns: [
        { campaign_name: 'Alpha', first_day: '2025-03-01', last_day: '2025-03-03' },
        { campaign_name: 'Alpha_', first_day: '2025-03-02', last_day: '2025-03-02' },
        { campaign_name: awkward, first_day: '2025-03-02', last_day: '2025-03-02' },
      ],
      time_zone: 'UTC',
    });
  });

  it('carries an ETag of its content: 304 while unchanged, a new one once a refresh adds a workspace', async () => {
    const first = await callRoute(workspaces, '/api/dashboard/workspaces');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"ws-/);
    expect(first.headers.get('cache-control')).toBe('private, max-age=0, must-revalidate');
    const again = await workspaces(new Request('http://localhost/api/dashboard/workspaces', { headers: { 'If-None-Match': `W/${etag ?? ''}` } }));
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    await insertEvents(client, [{ workspace_id: uniqueWorkspace('ws-etag'), campaign_name: 'Brand new', event_ts: '2025-03-04T09:00:00Z' }]);
    await refreshViewsNow(client);
    const changed = await callRoute(workspaces, '/api/dashboard/workspaces', { headers: { 'If-None-Match': etag ?? '' } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('answers 400 to parameters it does not take', async () => {
    expect((await callRoute(workspaces, '/api/dashboard/workspaces?workspace_id=x')).status).toBe(400);
  });
});
