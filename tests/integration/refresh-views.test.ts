// POST/GET /api/admin/refresh-views, in-process against the real Postgres of the test run.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GET, POST } from '../../app/api/admin/refresh-views/route';
import { GET as aggregate } from '../../app/api/dashboard/aggregate/route';
import { setStoreForTests } from '../../lib/db';
import { createPostgresStore } from '../../lib/db/postgres';
import { resetEnvCache } from '../../lib/env';
import { connect, databaseUrl, insertEvents, refreshViewsNow, uniqueWorkspace } from '../support/db';
import { callRoute } from '../support/routes';

const TOKEN = 'r'.repeat(64);
const CRON = 'v'.repeat(64);
const ROUTE = '/api/admin/refresh-views';

interface Freshness { view_name: string; last_refreshed: string | null; age_seconds: number | null; stale?: boolean }
interface RefreshBody {
  status: string; full: boolean; duration_ms: number; buckets: number; rows_changed: number;
  views: Array<{ view_name: string; duration_ms: number; buckets: number; rows_changed: number }>; freshness: Freshness[];
}
interface FreshnessBody { stale: boolean; stale_after_seconds: number; views: Freshness[] }
interface LogLine { level: string; event: string; [field: string]: unknown }

let client: pg.Client;
let logs: Array<{ mock: { calls: unknown[][] }; mockRestore: () => void }> = [];

function configure(vars: Record<string, string | undefined>) {
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  resetEnvCache();
}

const lastRefreshed = async () => (await client.query('select max(finished_at) as at from dashboard_view_refreshes')).rows[0].at as Date;

/** Every structured line logged so far in this test. */
const logged = (): LogLine[] => logs.flatMap((spy) => spy.mock.calls.map((call) => String(call[0])))
  .filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine);

/**
 * Holds the per-contact state so a refresh of email events gets through mv_daily_stats, then waits
 * for it in its contacts step: a refresh stopped midway, for as long as the test likes.
 */
async function holdContactState(): Promise<pg.Client> {
  const blocker = await connect();
  await blocker.query('begin');
  await blocker.query('lock table public.dashboard_contact_days in access exclusive mode');
  return blocker;
}

/** The backend of the refresh waiting on holdLlmUsage's lock, and for how long it has waited. */
async function blockedRefresh(): Promise<{ pid: number; waited_ms: number }> {
  let found: { pid: number; waited_ms: number } | undefined;
  await vi.waitFor(async () => {
    const { rows } = await client.query<{ pid: number; waited_ms: number }>(
      `select pid, (extract(epoch from clock_timestamp() - query_start) * 1000)::int as waited_ms
       from pg_stat_activity where wait_event_type = 'Lock' and query like '%refresh_dashboard_views%'`);
    expect(rows).toHaveLength(1);
    found = rows[0];
  }, { timeout: 20_000, interval: 20 });
  if (!found) throw new Error('no refresh is waiting');
  return found;
}

beforeAll(async () => {
  client = await connect();
});
afterAll(async () => {
  await client.end();
});
beforeEach(() => {
  configure({ MATERIALIZED_VIEWS_REFRESH_TOKEN: TOKEN, CRON_SECRET: CRON, STALE_AFTER_SECONDS: undefined });
  logs = [vi.spyOn(console, 'log').mockImplementation(() => {}), vi.spyOn(console, 'warn').mockImplementation(() => {}),
    vi.spyOn(console, 'error').mockImplementation(() => {})];
});
afterEach(() => {
  for (const spy of logs) spy.mockRestore();
  configure({ MATERIALIZED_VIEWS_REFRESH_TOKEN: undefined, CRON_SECRET: undefined, STALE_AFTER_SECONDS: undefined });
});

describe('POST /api/admin/refresh-views', () => {
  it('refreshes with the right x-refresh-token and answers each view, its duration and the new freshness', async () => {
    const ws = uniqueWorkspace('refresh');
    // Views that hold something (empty ones are rebuilt from scratch, which is not this test).
    await insertEvents(client, [{ workspace_id: uniqueWorkspace('other'), event_ts: '2025-05-01T10:00:00Z' }]);
    await refreshViewsNow(client);
    await insertEvents(client, [{ workspace_id: ws, event_ts: '2025-06-01T10:00:00Z' }]);
    const before = await lastRefreshed();
    const { status, body } = await callRoute<RefreshBody>(POST, ROUTE, { method: 'POST', headers: { 'x-refresh-token': TOKEN } });
    expect(status).toBe(200);
    expect(body.status).toBe('refreshed');
    expect(body.views.map((v) => v.view_name)).toEqual(['mv_daily_stats', 'mv_daily_contacts', 'mv_llm_cost']);
    // What the incremental refresh did: the one (workspace, day) bucket written, for the email views.
    expect(body.views.map((v) => [v.buckets, v.rows_changed])).toEqual([[1, 1], [1, 2], [0, 0]]);
    expect(body).toMatchObject({ full: false, buckets: 1, rows_changed: 3 });
    expect(body.freshness.every((f) => f.age_seconds !== null && f.age_seconds < 60)).toBe(true);
    expect((await lastRefreshed()).getTime()).toBeGreaterThan(before.getTime());
    const rows = await client.query('select sum(sends)::int as n from mv_daily_stats where workspace_id = $1', [ws]);
    expect(rows.rows[0].n).toBe(1);
    // One structured line per refresh, without the secret.
    const lines = logged().filter((l) => l.event === 'views_refreshed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', via: 'refresh-token', outcome: 'refreshed', duration_ms: body.duration_ms, views: body.views });
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });

  it('answers 401 without a token and with a wrong one, giving no hint which secret was tried', async () => {
    const before = await lastRefreshed();
    const none = await callRoute<{ error: string }>(POST, ROUTE, { method: 'POST' });
    const wrong = await callRoute<{ error: string }>(POST, ROUTE, { method: 'POST', headers: { 'x-refresh-token': 'nope' } });
    const wrongBearer = await callRoute<{ error: string }>(POST, ROUTE, { method: 'POST', headers: { authorization: 'Bearer nope' } });
    for (const answer of [none, wrong, wrongBearer]) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: 'Unauthorized.' });
    }
    expect(await lastRefreshed()).toEqual(before);
    // Each refusal is logged by header name only.
    const refusals = logged().filter((l) => l.event === 'views_refresh_unauthorized');
    expect(refusals.map((l) => l.presented)).toEqual([[], ['x-refresh-token'], ['authorization']]);
    expect(JSON.stringify(logged())).not.toContain(TOKEN);
  });

  it('answers 503 naming the variable to set when no secret is configured, and never refreshes', async () => {
    configure({ MATERIALIZED_VIEWS_REFRESH_TOKEN: undefined, CRON_SECRET: undefined });
    const before = await lastRefreshed();
    const anonymous = await callRoute<{ error: string }>(POST, ROUTE, { method: 'POST' });
    expect(anonymous.status).toBe(503);
    expect(anonymous.body.error).toContain('MATERIALIZED_VIEWS_REFRESH_TOKEN');
    const guessed = await callRoute<{ error: string }>(POST, ROUTE, { method: 'POST', headers: { 'x-refresh-token': 'undefined' } });
    expect(guessed.status).toBe(503);
    expect(guessed.body.error).toContain('MATERIALIZED_VIEWS_REFRESH_TOKEN');
    const bearer = await callRoute<{ error: string }>(POST, ROUTE, { method: 'POST', headers: { authorization: 'Bearer undefined' } });
    expect(bearer.status).toBe(503);
    expect(bearer.body.error).toContain('CRON_SECRET');
    expect(await lastRefreshed()).toEqual(before);
    expect(logged().filter((l) => l.event === 'views_refresh_not_configured' && l.level === 'error')).toHaveLength(3);
  });

  it('answers 503 naming the variable when a secret is shorter than 32 characters', async () => {
    configure({ MATERIALIZED_VIEWS_REFRESH_TOKEN: 'short' });
    const { status, body } = await callRoute<{ error: string }>(POST, ROUTE, { method: 'POST', headers: { 'x-refresh-token': 'short' } });
    expect(status).toBe(503);
    expect(body.error).toContain('MATERIALIZED_VIEWS_REFRESH_TOKEN');
    expect(body.error).not.toContain('short');
  });

  it('runs once for 20 simultaneous calls: one 200, the others 409 with Retry-After at once', async () => {
    // Hold a lock that the refresh needs, so the first call is surely still running while the
    // other nineteen arrive; they must answer without waiting for it.
    await insertEvents(client, [{ workspace_id: uniqueWorkspace('twenty'), event_ts: '2025-06-05T10:00:00Z' }]);
    const blocker = await holdContactState();
    const many = createPostgresStore({ connectionString: databaseUrl(), max: 25 });
    setStoreForTests(many);
    try {
      const calls = Array.from({ length: 20 }, () => callRoute(POST, ROUTE, { method: 'POST', headers: { 'x-refresh-token': TOKEN } }));
      const settled: Array<{ status: number; headers: Headers }> = [];
      calls.forEach((call) => void call.then((answer) => settled.push(answer)));
      await vi.waitFor(() => expect(settled.length).toBe(19), { timeout: 20_000, interval: 20 });
      expect(settled.every((answer) => answer.status === 409 && answer.headers.get('retry-after') !== null)).toBe(true);
      // The nineteen answered while the one refresh was still held: none of them queued behind it.
      await blockedRefresh();
      const released = Date.now();
      await blocker.query('commit');
      const all = await Promise.all(calls);
      // Once released, the whole batch ends within about one refresh (a few ms of data here).
      expect(Date.now() - released).toBeLessThan(5_000);
      expect(all.filter((answer) => answer.status === 200)).toHaveLength(1);
      expect(all.filter((answer) => answer.status === 409)).toHaveLength(19);
      const waiting = await client.query(`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%refresh_dashboard_views%'`);
      expect(waiting.rows[0].n).toBe(0);
    } finally {
      await blocker.query('rollback').catch(() => {});
      await blocker.end();
      setStoreForTests(createPostgresStore({ connectionString: databaseUrl() }));
      await many.close();
    }
  });

  it('answers 503 when the refresh fails midway; the old contents stay readable and freshness does not move', async () => {
    const ws = uniqueWorkspace('fail');
    await insertEvents(client, [{ workspace_id: ws, event_ts: '2025-06-02T10:00:00Z' }]);
    await refreshViewsNow(client);
    await insertEvents(client, [{ workspace_id: ws, event_ts: '2025-06-02T11:00:00Z' }]);
    const before = await client.query('select view_name, last_refreshed from get_view_freshness()');
    // The refresh gets through mv_daily_stats, then waits for the contact state, where we cancel it.
    const blocker = await holdContactState();
    try {
      const answer = callRoute<{ error: string }>(POST, ROUTE, { method: 'POST', headers: { 'x-refresh-token': TOKEN } });
      const { pid } = await blockedRefresh();
      // What a statement timeout does to it: the same cancel, from the server side.
      await client.query('select pg_cancel_backend($1)', [pid]);
      const { status, body } = await answer;
      expect(status).toBe(503);
      expect(body.error).toMatch(/took too long|unavailable/);
      expect(logged().filter((l) => l.event === 'views_refresh_failed')).toMatchObject([{ level: 'error', outcome: 'failed' }]);
    } finally {
      await blocker.query('rollback');
      await blocker.end();
    }
    const sends = await client.query('select sum(sends)::int as n from mv_daily_stats where workspace_id = $1', [ws]);
    expect(sends.rows[0].n).toBe(1);
    const after = await client.query('select view_name, last_refreshed from get_view_freshness()');
    expect(after.rows).toEqual(before.rows);
  });

  it('answers 503 when the database is down', async () => {
    const down = createPostgresStore({ connectionString: 'postgresql://x:y@127.0.0.1:1/none' });
    setStoreForTests(down);
    try {
      const { status, body } = await callRoute<{ error: string }>(POST, ROUTE, { method: 'POST', headers: { 'x-refresh-token': TOKEN } });
      expect(status).toBe(503);
      expect(body).toEqual({ error: 'The database is unavailable.' });
    } finally {
      setStoreForTests(createPostgresStore({ connectionString: databaseUrl() }));
      await down.close();
    }
  });
});

describe('GET /api/admin/refresh-views', () => {
  it('with Vercel Cron\'s bearer refreshes, exactly like the POST, and advances freshness', async () => {
    const before = await lastRefreshed();
    const { status, body } = await callRoute<RefreshBody>(GET, ROUTE, { headers: { authorization: `Bearer ${CRON}`, 'user-agent': 'vercel-cron/1.0' } });
    expect(status).toBe(200);
    expect(body.status).toBe('refreshed');
    expect((await lastRefreshed()).getTime()).toBeGreaterThan(before.getTime());
  });

  it('without credentials reports freshness with stale flags and does not refresh', async () => {
    const before = await lastRefreshed();
    const { status, body } = await callRoute<FreshnessBody>(GET, ROUTE);
    expect(status).toBe(200);
    expect(body.stale_after_seconds).toBe(600);
    // The spec's fields and the stale flag only: no per-tenant count (pending_buckets) for anonymous callers.
    expect(body.views.map((f) => Object.keys(f).sort())).toEqual(
      Array(3).fill(['age_seconds', 'last_refreshed', 'stale', 'view_name']));
    expect(body.views.map((f) => f.view_name)).toEqual(['mv_daily_stats', 'mv_daily_contacts', 'mv_llm_cost']);
    expect(Object.keys(body).sort()).toEqual(['stale', 'stale_after_seconds', 'views']);
    expect(await lastRefreshed()).toEqual(before);
    expect(logged().filter((l) => l.event.startsWith('views_refresh'))).toEqual([]);
  });

  it('answers anonymous callers without reading the change log: no tenant\'s activity shows, and nothing to make it count', async () => {
    await insertEvents(client, [{ workspace_id: uniqueWorkspace('busy-tenant'), event_ts: '2025-06-02T10:00:00Z' }]);
    // Writers hold the change log; an anonymous read that counted it would wait behind them (10 s, then 503).
    const blocker = await connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table public.dashboard_change_log in access exclusive mode');
      const started = Date.now();
      const { status, body } = await callRoute<FreshnessBody>(GET, ROUTE);
      expect(status).toBe(200);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(JSON.stringify(body)).not.toContain('pending');
    } finally {
      await blocker.query('rollback');
      await blocker.end();
    }
    // Operators (the refresh token) still get the global figures with the refresh they run.
    const operator = await callRoute<{ freshness: Array<{ pending_buckets: number }> }>(POST, ROUTE, { method: 'POST', headers: { 'x-refresh-token': TOKEN } });
    expect(operator.body.freshness.map((f) => typeof f.pending_buckets)).toEqual(['number', 'number', 'number']);
  });

  it('with a wrong bearer is a 401, not a downgrade to the freshness answer', async () => {
    const before = await lastRefreshed();
    for (const authorization of ['Bearer wrong-secret', `Bearer ${TOKEN}`, CRON, `Basic ${CRON}`]) {
      const { status, body } = await callRoute<{ error: string }>(GET, ROUTE, { headers: { authorization } });
      expect(status, authorization.slice(0, 6)).toBe(401);
      expect(body).toEqual({ error: 'Unauthorized.' });
    }
    expect(await lastRefreshed()).toEqual(before);
  });

  it('without any secret configured still reports freshness to anonymous callers', async () => {
    configure({ MATERIALIZED_VIEWS_REFRESH_TOKEN: undefined, CRON_SECRET: undefined });
    const { status, body } = await callRoute<FreshnessBody>(GET, ROUTE);
    expect(status).toBe(200);
    expect(body.views).toHaveLength(3);
  });

  it('from Vercel Cron without CRON_SECRET configured fails loudly instead of reading freshness', async () => {
    configure({ CRON_SECRET: undefined });
    const { status, body } = await callRoute<{ error: string }>(GET, ROUTE, { headers: { 'user-agent': 'vercel-cron/1.0' } });
    expect(status).toBe(503);
    expect(body.error).toContain('CRON_SECRET');
  });

  it('marks views stale past STALE_AFTER_SECONDS; ?fail_if_stale=1 then answers 503', async () => {
    await refreshViewsNow(client);
    const fresh = await callRoute<FreshnessBody>(GET, `${ROUTE}?fail_if_stale=1`);
    expect(fresh.status).toBe(200);
    expect(fresh.body.stale).toBe(false);
    // With a one-second threshold the views turn stale as soon as a second passes without a refresh.
    configure({ STALE_AFTER_SECONDS: '1' });
    await vi.waitFor(async () => {
      const stale = await callRoute<FreshnessBody>(GET, `${ROUTE}?fail_if_stale=1`);
      expect(stale.status).toBe(503);
      expect(stale.body.stale).toBe(true);
      expect(stale.body.views.every((f) => f.stale)).toBe(true);
    }, { timeout: 10_000, interval: 250 });
    const plain = await callRoute<FreshnessBody>(GET, ROUTE);
    expect(plain.status).toBe(200);
  });

  it('counts a view with no refresh on record as stale, not as 0 seconds old', async () => {
    await refreshViewsNow(client);
    const removed = await client.query(`delete from dashboard_view_refreshes where view_name = 'mv_llm_cost' returning *`);
    try {
      const { status, body } = await callRoute<FreshnessBody>(GET, `${ROUTE}?fail_if_stale=1`);
      expect(status).toBe(503);
      expect(body.stale).toBe(true);
      expect(body.views.map((f) => f.stale)).toEqual([false, false, true]);
      expect(body.views[2]).toMatchObject({ view_name: 'mv_llm_cost', last_refreshed: null, age_seconds: null });
    } finally {
      for (const row of removed.rows) {
        await client.query(
          `insert into dashboard_view_refreshes overriding system value select * from json_populate_record(null::dashboard_view_refreshes, $1)`,
          [JSON.stringify(row)]);
      }
    }
    expect((await callRoute<FreshnessBody>(GET, ROUTE)).body.views[2]?.last_refreshed).not.toBeNull();
  });

  it('answers 400 naming fail_if_stale when it is malformed', async () => {
    const { status, body } = await callRoute<{ error: string; issues: Array<{ parameter: string }> }>(GET, `${ROUTE}?fail_if_stale=maybe`);
    expect(status).toBe(400);
    expect(body.issues.map((i) => i.parameter)).toEqual(['fail_if_stale']);
  });
});

describe('a refresh while the dashboard is being read', () => {
  it('never blocks readers for the length of the refresh', async () => {
    const ws = uniqueWorkspace('readers');
    await insertEvents(client, [{ workspace_id: ws, event_ts: '2025-06-03T10:00:00Z' }]);
    await refreshViewsNow(client);
    await insertEvents(client, [{ workspace_id: ws, event_ts: '2025-06-03T11:00:00Z' }]);
    // A refresh in progress: its transaction has rewritten the views but not committed yet.
    const refresher = await connect();
    await refresher.query('begin');
    await refresher.query('select public.refresh_dashboard_views()');
    const reader = await connect();
    // A reader that had to wait for the refresh would fail here instead of hanging.
    await reader.query(`set lock_timeout = '1s'`);
    try {
      // The refresh really holds the views it rewrote (row locks, which readers never wait for).
      const held = await client.query(
        `select c.relname, l.mode from pg_locks l join pg_class c on c.oid = l.relation
         join pg_stat_activity a on a.pid = l.pid
         where c.relname = 'mv_daily_stats' and l.granted and a.pid <> pg_backend_pid() and a.state = 'idle in transaction'`);
      expect(held.rows.map((row) => row.mode)).toContain('RowExclusiveLock');
      for (const view of ['mv_daily_stats', 'mv_daily_contacts', 'mv_llm_cost']) {
        await reader.query(`select count(*) from public.${view}`);
      }
      // Readers see the previous contents until the refresh commits.
      const old = await reader.query('select sum(sends)::int as n from mv_daily_stats where workspace_id = $1', [ws]);
      expect(old.rows[0].n).toBe(1);
      const started = Date.now();
      for (let i = 0; i < 5; i++) {
        const { status, body } = await callRoute<{ summary: { sends: number } }>(aggregate, `/api/dashboard/aggregate?workspace_id=${ws}&from=2025-06-01&to=2025-06-05`);
        expect(status).toBe(200);
        expect(body.summary.sends).toBe(1);
      }
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await refresher.query('commit');
      await refresher.end();
      await reader.end();
    }
    const fresh = await client.query('select sum(sends)::int as n from mv_daily_stats where workspace_id = $1', [ws]);
    expect(fresh.rows[0].n).toBe(2);
  });

  it('readers answer at once while a refresh through the route is stuck midway; it then completes, warning over 2 s', async () => {
    const ws = uniqueWorkspace('midway');
    await insertEvents(client, [{ workspace_id: ws, event_ts: '2025-06-04T10:00:00Z' }]);
    await refreshViewsNow(client);
    await insertEvents(client, [{ workspace_id: ws, event_ts: '2025-06-04T11:00:00Z' }]);
    const blocker = await holdContactState();
    const reader = await connect();
    await reader.query(`set lock_timeout = '1s'`);
    try {
      const answer = callRoute<RefreshBody>(POST, ROUTE, { method: 'POST', headers: { 'x-refresh-token': TOKEN } });
      await blockedRefresh();
      for (let i = 0; i < 5; i++) {
        const started = Date.now();
        const { rows } = await reader.query('select sum(sends)::int as n from mv_daily_stats where workspace_id = $1', [ws]);
        expect(rows[0].n).toBe(1);
        expect(Date.now() - started).toBeLessThan(1_000);
      }
      // Keep it stuck past the spec's 2 s budget (polling the server's own clock, no fixed sleep).
      await vi.waitFor(async () => expect((await blockedRefresh()).waited_ms).toBeGreaterThan(2_100),
        { timeout: 10_000, interval: 100 });
      await blocker.query('commit');
      const { status, body } = await answer;
      expect(status).toBe(200);
      expect(body.duration_ms).toBeGreaterThan(2_000);
      expect(logged().filter((l) => l.event === 'views_refreshed')).toMatchObject([{ level: 'warn', outcome: 'refreshed' }]);
    } finally {
      await blocker.query('rollback').catch(() => {});
      await blocker.end();
      await reader.end();
    }
    const { rows } = await client.query('select sum(sends)::int as n from mv_daily_stats where workspace_id = $1', [ws]);
    expect(rows[0].n).toBe(2);
  });
});
