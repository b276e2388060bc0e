// The supabase-js store's wire contract. PostgREST cannot run on these machines, so it is mocked at
// the fetch edge here; the last cases talk to a real Supabase when TEST_SUPABASE_URL and
// TEST_SUPABASE_SERVICE_ROLE_KEY are set (never SUPABASE_URL: it may be production).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GET as aggregate } from '../../app/api/dashboard/aggregate/route';
import { setStoreForTests } from '../../lib/db';
import { GET as refreshViews } from '../../app/api/admin/refresh-views/route';
import { isStoreUnavailableError, StoreUnavailableError } from '../../lib/db/store';
import { createSupabaseStore } from '../../lib/db/supabase';
import { viewFreshness } from '../../lib/admin/views';
import { dashboardResponseSchema } from '../../lib/dashboard/response';
import { testSupabase } from '../support/real-supabase';
import { callRoute } from '../support/routes';

const SUPABASE_URL = 'https://project-ref.supabase.co';
const KEY = 'service-role-key-for-tests-0123456789';

interface Captured {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
}

type Reply = { status: number; body: unknown };

/** Answers every call with `answer`, or each function with its own reply. */
function fakePostgrest(answer: Reply | Record<string, Reply>) {
  const calls: Captured[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    calls.push({ url: request.url, method: request.method, headers: request.headers, body: await request.json().catch(() => null) });
    const name = new URL(request.url).pathname.split('/').pop() ?? '';
    const reply = 'status' in answer && typeof answer.status === 'number' ? answer as Reply : (answer as Record<string, Reply>)[name] ?? { status: 404, body: {} };
    return new Response(JSON.stringify(reply.body), { status: reply.status, headers: { 'content-type': 'application/json' } });
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

afterEach(() => {
  setStoreForTests(undefined);
});

describe('supabase store (PostgREST mocked at the fetch edge)', () => {
  it('calls POST /rest/v1/rpc/<function> with the named arguments and the service role key', async () => {
    const postgrest = fakePostgrest({ status: 200, body: { ok: true } });
    const store = createSupabaseStore({ url: SUPABASE_URL, serviceRoleKey: KEY, fetch: postgrest.fetch });
    await expect(store.callValue('dashboard_aggregate', { p_workspace_id: 'w', p_from: '2025-01-01', p_to: '2025-01-02', p_campaign: null }))
      .resolves.toEqual({ ok: true });
    expect(postgrest.calls).toHaveLength(1);
    const [call] = postgrest.calls;
    expect(call?.method).toBe('POST');
    expect(call?.url).toBe(`${SUPABASE_URL}/rest/v1/rpc/dashboard_aggregate`);
    expect(call?.body).toEqual({ p_workspace_id: 'w', p_from: '2025-01-01', p_to: '2025-01-02', p_campaign: null });
    expect(call?.headers.get('apikey')).toBe(KEY);
    expect(call?.headers.get('authorization')).toBe(`Bearer ${KEY}`);
  });

  it('carries the route\'s normalized query as the RPC arguments and answers with the function\'s JSON', async () => {
    const zero = { sends: 0, opens: 0, clicks: 0, replies: 0, bounces: 0, opt_outs: 0, unique_contacts: 0 };
    const answer = {
      workspace_id: 'w', from: '2025-01-01', to: '2025-01-01', campaign: "O'Brien 100%", source: 'mv', time_zone: 'Asia/Kolkata', interval: 'day', partial_day: null, data_version: 42,
      summary: { ...zero, open_rate: null, click_rate: null, reply_rate: null, bounce_rate: null, opt_out_rate: null,
        total_cost_usd: 0, llm_calls: 0, tokens_in: 0, tokens_out: 0 },
      timeseries: [{ day: '2025-01-01', ...zero, cost_usd: 0, cost_by_provider: {} }],
      sequence: [1, 2, 3, 4, 5].map((step) => ({ step, sends: 0 })),
      cost_breakdown: [],
      freshness: [{ view_name: 'mv_daily_stats', last_refreshed: '2025-01-01T00:00:00.000000Z', age_seconds: 3, pending_buckets: 0, live: false, raw_buckets: 0 }],
    };
    const postgrest = fakePostgrest({
      dashboard_answer_context: { status: 200, body: { workspace_id: 'w', source: 'mv', time_zone: 'Asia/Kolkata', today: '2025-01-02', data_version: 42 } },
      dashboard_aggregate: { status: 200, body: answer },
    });
    setStoreForTests(createSupabaseStore({ url: SUPABASE_URL, serviceRoleKey: KEY, fetch: postgrest.fetch }));
    const query = new URLSearchParams({ workspace_id: 'w', from: '2025-01-01', to: '2025-01-01', campaign: "O'Brien 100%" });
    const { status, body, headers } = await callRoute<Record<string, unknown>>(aggregate, `/api/dashboard/aggregate?${query}`);
    expect(postgrest.calls.map((call) => [call.method, call.url])).toEqual([
      ['POST', `${SUPABASE_URL}/rest/v1/rpc/dashboard_answer_context`], ['POST', `${SUPABASE_URL}/rest/v1/rpc/dashboard_aggregate`]]);
    expect(postgrest.calls[0]?.body).toEqual({ p_workspace_id: 'w', p_source: 'mv' });
    expect(postgrest.calls[1]?.body).toEqual({
      p_workspace_id: 'w', p_from: '2025-01-01', p_to: '2025-01-01', p_campaign: "O'Brien 100%", p_source: 'mv',
      p_interval: 'day', p_compare: null,
    });
    expect(status).toBe(200);
    const { data_version: _version, ...contract } = answer;
    expect(body).toEqual(contract);
    expect(headers.get('etag')).toMatch(/^"a-[\w-]{27}"$/);
  });

  it('returns the rows of a set-returning function', async () => {
    const rows = [{ view_name: 'mv_daily_stats', last_refreshed: '2025-12-07T01:30:00+00:00', age_seconds: 180, pending_buckets: 4 }];
    const postgrest = fakePostgrest({ status: 200, body: rows });
    const store = createSupabaseStore({ url: SUPABASE_URL, serviceRoleKey: KEY, fetch: postgrest.fetch });
    await expect(viewFreshness(store)).resolves.toEqual([{ ...rows[0], last_refreshed: '2025-12-07T01:30:00.000Z' }]);
    expect(postgrest.calls[0]?.url).toBe(`${SUPABASE_URL}/rest/v1/rpc/get_view_freshness`);
  });

  for (const [what, body] of [['null', null], ['an object', { view_name: 'mv_daily_stats' }], ['a string', 'ok']] as const) {
    it(`reports a set-returning call answered with ${what} as a failure, not as no rows`, async () => {
      const postgrest = fakePostgrest({ status: 200, body });
      const store = createSupabaseStore({ url: SUPABASE_URL, serviceRoleKey: KEY, fetch: postgrest.fetch });
      await expect(store.callRows('get_view_freshness')).rejects.toSatisfy(
        (error) => isStoreUnavailableError(error) && error.message === 'The database answered in an unexpected format.');
    });
  }

  it('answers 503 to a freshness check whose reply is not a list, never "not stale"', async () => {
    setStoreForTests(createSupabaseStore({ url: SUPABASE_URL, serviceRoleKey: KEY, fetch: fakePostgrest({ status: 200, body: null }).fetch }));
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { status, body } = await callRoute<{ error: string; stale?: boolean }>(refreshViews, '/api/admin/refresh-views');
    // The anonymous freshness reads the views' ages only (no change log, no per-tenant count).
    expect(String(log.mock.calls[0]?.[0])).toContain('dashboard_view_ages');
    log.mockRestore();
    expect(status).toBe(503);
    expect(body).toEqual({ error: 'The database answered in an unexpected format.' });
  });

  // A missing function is a schema out of step: tests/unit/schema-out-of-step.test.ts.
  const failures: Array<[string, { status: number; body: unknown }, RegExp]> = [
    ['a statement timeout', { status: 500, body: { code: '57014', message: 'canceling statement due to statement timeout', details: null, hint: null } }, /took too long/],
    ['a permission error', { status: 401, body: { code: '42501', message: 'permission denied for function dashboard_aggregate', details: null, hint: null } }, /refused access/],
  ];
  for (const [what, answer, message] of failures) {
    it(`maps ${what} to StoreUnavailableError and the route to a 503`, async () => {
      const postgrest = fakePostgrest(answer);
      const store = createSupabaseStore({ url: SUPABASE_URL, serviceRoleKey: KEY, fetch: postgrest.fetch });
      await expect(store.callValue('dashboard_aggregate', {})).rejects.toBeInstanceOf(StoreUnavailableError);
      setStoreForTests(store);
      const log = vi.spyOn(console, 'error').mockImplementation(() => {});
      const { status, body } = await callRoute<{ error: string }>(aggregate, '/api/dashboard/aggregate?workspace_id=w');
      expect(log).toHaveBeenCalledOnce();
      expect(String(log.mock.calls[0]?.[0])).toContain((answer.body as { code: string }).code);
      log.mockRestore();
      expect(status).toBe(503);
      expect(body.error).toMatch(message);
      expect(JSON.stringify(body)).not.toMatch(/canceling|permission denied|Could not find/);
    });
  }

  it('maps a network failure to a 503', async () => {
    const store = createSupabaseStore({ url: SUPABASE_URL, serviceRoleKey: KEY, fetch: (async () => { throw new TypeError('fetch failed'); }) as typeof fetch });
    setStoreForTests(store);
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { status } = await callRoute(aggregate, '/api/dashboard/aggregate?workspace_id=w');
    log.mockRestore();
    expect(status).toBe(503);
  });
});

describe('which real Supabase the tests may use', () => {
  it('only the one named by TEST_SUPABASE_URL and TEST_SUPABASE_SERVICE_ROLE_KEY, never SUPABASE_URL', () => {
    const production = { SUPABASE_URL: 'https://production.supabase.co', SUPABASE_SERVICE_ROLE_KEY: 'production-service-role-key' };
    expect(testSupabase(production)).toBeUndefined();
    expect(testSupabase({ ...production, TEST_SUPABASE_URL: 'https://test.supabase.co' })).toBeUndefined();
    expect(testSupabase({ ...production, TEST_SUPABASE_URL: 'https://test.supabase.co', TEST_SUPABASE_SERVICE_ROLE_KEY: 'test-key' }))
      .toEqual({ url: 'https://test.supabase.co', serviceRoleKey: 'test-key' });
  });

  it('the test run drops SUPABASE_URL and its key and keeps no copy under another name', () => {
    const allowed = ['TEST_SUPABASE_URL', 'TEST_SUPABASE_SERVICE_ROLE_KEY'];
    const copies = Object.entries(process.env).filter(([name, value]) => value && /SUPABASE.*(URL|KEY)/.test(name) && !allowed.includes(name));
    expect(copies.map(([name]) => name)).toEqual([]);
  });
});

const realSupabase = testSupabase();
describe('supabase store against a real Supabase project', () => {
  it.runIf(realSupabase)('reads the freshness of the views (runs when TEST_SUPABASE_URL and TEST_SUPABASE_SERVICE_ROLE_KEY are set and the migrations pushed)', async () => {
    const store = createSupabaseStore(realSupabase ?? { url: '', serviceRoleKey: '' });
    const rows = await viewFreshness(store);
    expect(rows.map((r) => r.view_name)).toEqual(['mv_daily_stats', 'mv_daily_contacts', 'mv_llm_cost']);
  });

  it.runIf(realSupabase)('answers GET /api/dashboard/aggregate through PostgREST (zeros for an unknown workspace, both sources)', async () => {
    setStoreForTests(createSupabaseStore(realSupabase ?? { url: '', serviceRoleKey: '' }));
    const workspace = `no-such-workspace-${Date.now()}`;
    for (const source of ['mv', 'raw'] as const) {
      const { status, body } = await callRoute(aggregate, `/api/dashboard/aggregate?workspace_id=${workspace}&from=2025-01-01&to=2025-01-07&source=${source}`);
      expect(status).toBe(200);
      const parsed = dashboardResponseSchema.parse(body);
      expect(parsed.source).toBe(source);
      expect(parsed.summary.sends).toBe(0);
      expect(parsed.timeseries).toHaveLength(7);
    }
  });
});
