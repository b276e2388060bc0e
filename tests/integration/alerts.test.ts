// Alerts end to end against the real Postgres of the test run and a real receiver on 127.0.0.1 that
// verifies every request with `standardwebhooks`: evaluation after the refresh route, told once,
// delivered after the commit with retries, channels disabled by a 410 or failures, one notification
// however many evaluators run, budgets per local month, and stale_views when the refresh fails.
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { POST as refreshRoute } from '../../app/api/admin/refresh-views/route';
import { GET as alertsRoute } from '../../app/api/dashboard/alerts/route';
import { deliverDue } from '../../lib/alerts/deliver';
import { evaluateAlerts } from '../../lib/alerts/evaluate';
import { webhookRequest } from '../../lib/alerts/messages';
import { claimedSchema, type AlertsResponse } from '../../lib/alerts/schema';
import { createPostgresStore } from '../../lib/db/postgres';
import { resetEnvCache } from '../../lib/env';
import { addChannel, addRule, evaluate, makeDue, outbox, removeAlerts } from '../support/alerts';
import { connect, databaseUrl, insertEvents, insertLlmUsage, refreshViewsNow, uniqueWorkspace } from '../support/db';
import { callRoute } from '../support/routes';
import { startReceiver, type Receiver } from '../support/webhook-receiver';

const TOKEN = 'a'.repeat(64);
const SITE = 'https://dashboard.example.com';
const OPTIONS = { allowPrivate: true, siteUrl: SITE };
let client: pg.Client;
let store: ReturnType<typeof createPostgresStore>;
let receiver: Receiver;
const cleanUp: string[] = [];

beforeAll(async () => {
  client = await connect();
  store = createPostgresStore({ connectionString: databaseUrl(), max: 4 });
  process.env.MATERIALIZED_VIEWS_REFRESH_TOKEN = TOKEN;
  process.env.SITE_URL = SITE;
  resetEnvCache();
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(async () => {
  for (const workspace of cleanUp.splice(0)) await removeAlerts(client, workspace);
  await receiver?.close();
});
afterAll(async () => {
  delete process.env.MATERIALIZED_VIEWS_REFRESH_TOKEN;
  delete process.env.SITE_URL;
  resetEnvCache();
  vi.restoreAllMocks();
  await store.close();
  await client.end();
});

async function workspace(label: string): Promise<string> {
  const ws = uniqueWorkspace(label);
  cleanUp.push(ws);
  receiver = await startReceiver();
  return ws;
}

/** The cron's call: refresh, evaluate, answer; deliveries after the answer. */
async function cronTick(): Promise<{ status: number; body: { alerts?: { fired: number; resolved: number } | null } }> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const answer = await callRoute<{ alerts?: { fired: number; resolved: number } | null }>(refreshRoute, '/api/admin/refresh-views',
      { method: 'POST', headers: { 'x-refresh-token': TOKEN } });
    if (answer.status !== 409) return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the refresh stayed busy');
}

const recent = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
const sends = (ws: string, n: number, offset = 0) =>
  Array.from({ length: n }, (_, i) => ({ workspace_id: ws, contact_email: `c${offset + i}@x.io`, event_ts: recent(30) }));

describe('a bounce-rate rule, through the refresh route (the cron)', () => {
  it('fires once on a burst of bounces and resolves once, each a signed webhook with what, where, value, threshold, since and a link', async () => {
    const ws = await workspace('burst');
    const channel = await addChannel(client, ws, receiver);
    const rule = await addRule(client, ws, { metric: 'bounce_rate', threshold: 0.1, window: '24h', min_sends: 50, campaign: 'Campaign A', channel_id: channel });
    await insertEvents(client, sends(ws, 200));
    expect((await cronTick()).status).toBe(200);
    expect(await outbox(client, ws)).toEqual([]);

    await insertEvents(client, Array.from({ length: 60 }, (_, i) => ({ workspace_id: ws, contact_email: `c${i}@x.io`, event_type: 'bounced' as const, event_ts: recent(10) })));
    const fired = await cronTick();
    expect(fired.status).toBe(200);
    expect(fired.body.alerts).toMatchObject({ fired: 1 });
    await vi.waitFor(() => expect(receiver.accepted()).toHaveLength(1), { timeout: 10_000 });
    const firing = receiver.accepted()[0];
    expect(firing?.verified).toMatchObject({
      type: 'alert.firing', rule_id: rule, workspace_id: ws, metric: 'bounce_rate', value: 0.3, threshold: 0.1,
      campaign: 'Campaign A', window: '24h', sends: 200, direction: 'above',
    });
    expect(firing?.verified?.since).toEqual(expect.any(String));
    expect(String(firing?.verified?.dashboard_url)).toMatch(new RegExp(`^${SITE}/\\?workspace_id=${ws}&from=\\d{4}-\\d{2}-\\d{2}&to=\\d{4}-\\d{2}-\\d{2}&campaign=Campaign%20A$`));
    expect(firing?.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(firing?.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);

    // Still over the threshold: nothing more to say.
    await insertEvents(client, [{ workspace_id: ws, contact_email: 'late@x.io', event_type: 'bounced', event_ts: recent(5) }]);
    expect((await cronTick()).body.alerts).toMatchObject({ fired: 0, resolved: 0 });
    expect((await outbox(client, ws)).map((row) => row.event_type)).toEqual(['alert.firing']);

    await insertEvents(client, sends(ws, 2_000, 1_000));
    expect((await cronTick()).body.alerts).toMatchObject({ resolved: 1 });
    await vi.waitFor(() => expect(receiver.accepted()).toHaveLength(2), { timeout: 10_000 });
    const resolved = receiver.accepted()[1];
    expect(resolved?.verified).toMatchObject({ type: 'alert.resolved', rule_id: rule, metric: 'bounce_rate', since: firing?.verified?.since });
    expect(resolved?.headers['webhook-id']).not.toBe(firing?.headers['webhook-id']);
    expect((await outbox(client, ws)).map((row) => [row.event_type, row.status])).toEqual([['alert.firing', 'sent'], ['alert.resolved', 'sent']]);
    expect(receiver.received()).toHaveLength(2);
  });

  it('waits for N breaching evaluations before firing and M fine ones before resolving; stays quiet under min_sends', async () => {
    const ws = await workspace('for');
    const channel = await addChannel(client, ws, receiver);
    await addRule(client, ws, { metric: 'opt_out_rate', threshold: 0.05, window: '7d', min_sends: 20, for: 2, resolve_after: 2, channel_id: channel });
    await insertEvents(client, [...sends(ws, 10), ...Array.from({ length: 10 }, (_, i) => ({ workspace_id: ws, contact_email: `c${i}@x.io`, event_type: 'opted_out' as const, event_ts: recent(20) }))]);
    await refreshViewsNow(client);
    expect(await evaluate(client)).toMatchObject({ fired: 0 });
    expect((await client.query('select state, last_value::float as value, last_sends::int as sends from alert_rules where workspace_id = $1', [ws])).rows[0])
      .toEqual({ state: 'ok', value: 1, sends: 10 });
    await insertEvents(client, sends(ws, 20, 100));
    await refreshViewsNow(client);
    const states: string[] = [];
    for (const more of [0, 0, 1_000, 0]) {
      if (more) {
        await insertEvents(client, sends(ws, more, 200));
        await refreshViewsNow(client);
      }
      await evaluate(client);
      states.push((await client.query('select state from alert_rules where workspace_id = $1', [ws])).rows[0].state);
    }
    expect(states).toEqual(['pending', 'firing', 'firing', 'ok']);
    expect((await outbox(client, ws)).map((row) => row.event_type)).toEqual(['alert.firing', 'alert.resolved']);
  });

  it('a 24h window is the local days of today and yesterday in the workspace\'s zone, nothing older', async () => {
    const ws = await workspace('window');
    await client.query(`insert into public.workspace_settings (workspace_id, time_zone) values ($1, 'Asia/Kolkata')`, [ws]);
    const channel = await addChannel(client, ws, receiver);
    await addRule(client, ws, { metric: 'reply_rate', direction: 'below', threshold: 0.1, window: '24h', min_sends: 10, channel_id: channel });
    // Now: 2025-06-10 02:00 in Kolkata (UTC+5:30). Today and yesterday there: the 9th and the 10th.
    const now = '2025-06-09T20:30:00Z';
    const at = (day: string, time: string) => `${day}T${time}+05:30`;
    await insertEvents(client, [
      ...Array.from({ length: 10 }, (_, i) => ({ workspace_id: ws, contact_email: `old${i}@x.io`, event_type: 'replied' as const, event_ts: at('2025-06-08', '23:59:00') })),
      ...Array.from({ length: 20 }, (_, i) => ({ workspace_id: ws, contact_email: `n${i}@x.io`, event_ts: at('2025-06-09', '00:00:00') })),
      { workspace_id: ws, contact_email: 'n1@x.io', event_type: 'replied', event_ts: at('2025-06-10', '01:00:00') },
    ]);
    await refreshViewsNow(client);
    expect(await evaluate(client, now)).toMatchObject({ fired: 1 });
    const [row] = await outbox(client, ws);
    // The replies of the 8th (Kolkata) are outside: 1 reply in 20 sends.
    expect(row?.payload).toMatchObject({ value: 0.05, sends: 20, from: '2025-06-09', to: '2025-06-10', time_zone: 'Asia/Kolkata', window: '24h' });
  });
});

describe('delivery', () => {
  it('retries a receiver that answers 500, then 429 with Retry-After, then 200: one notification, one webhook-id', async () => {
    const ws = await workspace('retry');
    const channel = await addChannel(client, ws, receiver);
    await addRule(client, ws, { metric: 'bounce_rate', threshold: 0.1, window: '24h', min_sends: 1, channel_id: channel });
    await insertEvents(client, [...sends(ws, 4), { workspace_id: ws, contact_email: 'b@x.io', event_type: 'bounced', event_ts: recent(1) }]);
    await refreshViewsNow(client);
    await evaluate(client);
    receiver.answer({ status: 500 }, { status: 429, headers: { 'retry-after': '120' } });

    expect(await deliverDue(store, OPTIONS)).toMatchObject({ attempted: 1, retrying: 1 });
    const [first] = await outbox(client, ws);
    expect(first).toMatchObject({ status: 'pending', attempts: 1, last_http_status: 500 });
    // Backoff: not due again at once.
    expect(await deliverDue(store, OPTIONS)).toMatchObject({ attempted: 0 });
    await makeDue(client, ws);
    const before429 = Date.now();
    expect(await deliverDue(store, OPTIONS)).toMatchObject({ attempted: 1, retrying: 1 });
    const [limited] = await outbox(client, ws);
    expect(limited).toMatchObject({ attempts: 2, last_http_status: 429 });
    expect(limited?.next_attempt_at.getTime()).toBeGreaterThanOrEqual(before429 + 119_000);
    expect((await client.query('select consecutive_failures from alert_channels where id = $1', [channel])).rows[0].consecutive_failures).toBe(1);
    await makeDue(client, ws);
    expect(await deliverDue(store, OPTIONS)).toMatchObject({ attempted: 1, sent: 1 });

    const requests = receiver.received();
    expect(requests.map((r) => r.status)).toEqual([500, 429, 200]);
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(requests.every((r) => r.verified !== null)).toBe(true);
    expect(receiver.accepted()).toHaveLength(1);
    expect((await outbox(client, ws))[0]).toMatchObject({ status: 'sent', attempts: 3 });
    expect((await client.query('select consecutive_failures from alert_channels where id = $1', [channel])).rows[0].consecutive_failures).toBe(0);
  });

  it('a 410 disables the channel, the API says so, and later notifications are not sent', async () => {
    const ws = await workspace('gone');
    const channel = await addChannel(client, ws, receiver);
    await addRule(client, ws, { metric: 'bounce_rate', threshold: 0.1, window: '24h', min_sends: 1, channel_id: channel });
    await insertEvents(client, [...sends(ws, 4), { workspace_id: ws, contact_email: 'b@x.io', event_type: 'bounced', event_ts: recent(1) }]);
    await refreshViewsNow(client);
    await evaluate(client);
    receiver.answer({ status: 410 });
    expect(await deliverDue(store, OPTIONS)).toMatchObject({ attempted: 1, failed: 1 });
    const listed = await callRoute<AlertsResponse>(alertsRoute, `/api/dashboard/alerts?workspace_id=${ws}`);
    expect(listed.status).toBe(200);
    expect(listed.body.channels[0]).toMatchObject({ id: channel, disabled_reason: 'the receiver answered 410 Gone' });
    expect(listed.body.channels[0]?.disabled_at).toEqual(expect.any(String));
    expect(listed.body.rules[0]?.deliveries[0]).toMatchObject({ status: 'failed', http_status: 410 });
    // It resolves and fires again: written down as not sent, never attempted.
    await insertEvents(client, sends(ws, 100, 10));
    await refreshViewsNow(client);
    await evaluate(client);
    expect((await outbox(client, ws)).map((row) => [row.event_type, row.status, row.last_error])).toEqual([
      ['alert.firing', 'failed', 'HTTP 410 Gone'], ['alert.resolved', 'failed', 'the channel is disabled']]);
    expect(await deliverDue(store, OPTIONS)).toMatchObject({ attempted: 0 });
    expect(receiver.received()).toHaveLength(1);
  });

  it('five failed deliveries in a row disable the channel', async () => {
    const ws = await workspace('failing');
    const channel = await addChannel(client, ws, receiver);
    for (let i = 0; i < 6; i++) await client.query(`select public.alerts_change($1, 'channel_test', $2)`, [ws, channel]);
    receiver.answer(...Array.from({ length: 6 }, () => ({ status: 503 })));
    expect(await deliverDue(store, OPTIONS)).toMatchObject({ attempted: 5 });
    const { rows } = await client.query('select disabled_reason, consecutive_failures from alert_channels where id = $1', [channel]);
    expect(rows[0]).toEqual({ disabled_reason: '5 deliveries failed in a row (last: HTTP 503)', consecutive_failures: 5 });
    expect((await outbox(client, ws)).every((row) => row.status === 'failed')).toBe(true);
    expect(receiver.received()).toHaveLength(5);
  });

  it('a Slack channel gets {text, blocks} and waits out a 429\'s Retry-After', async () => {
    const ws = await workspace('slack');
    const channel = await addChannel(client, ws, receiver, 'slack', '/services/T000/B000/XXXX');
    await addRule(client, ws, { metric: 'bounce_rate', threshold: 0.1, window: '24h', min_sends: 1, channel_id: channel });
    await insertEvents(client, [...sends(ws, 4), { workspace_id: ws, contact_email: 'b@x.io', event_type: 'bounced', event_ts: recent(1) }]);
    await refreshViewsNow(client);
    await evaluate(client);
    receiver.answer({ status: 429, headers: { 'retry-after': '30' } });
    expect(await deliverDue(store, OPTIONS)).toMatchObject({ retrying: 1 });
    expect((await outbox(client, ws))[0]?.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 28_000);
    await makeDue(client, ws);
    expect(await deliverDue(store, OPTIONS)).toMatchObject({ sent: 1 });
    const body = JSON.parse(receiver.received()[1]?.body ?? '{}') as { text: string; blocks: Array<{ type: string; text?: { text: string } }> };
    expect(body.text).toMatch(new RegExp(`^Firing: Bounce rate above 10\\.0 % over 24h in workspace ${ws}; now 25\\.0 %, \\d{4}-\\d{2}-\\d{2} – \\d{4}-\\d{2}-\\d{2} \\(UTC\\), since \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC\\.$`));
    expect(body.blocks.map((block) => block.type)).toEqual(['section', 'context']);
    expect(JSON.stringify(body.blocks[1])).toContain(`<${SITE}/?workspace_id=${ws}`);
  });

  it('a signature fails to verify on a tampered body or an old timestamp', async () => {
    const ws = await workspace('verify');
    const channel = await addChannel(client, ws, receiver);
    const { rows } = await client.query(`select public.alerts_change($1, 'channel_test', $2) as value`, [ws, channel]);
    const [claimed] = (await store.callValue('alerts_claim_deliveries', { p_limit: 1, p_lease_seconds: 30, p_workspace_id: ws, p_id: rows[0].value.outbox_id })) as unknown[];
    const delivery = claimedSchema.parse(claimed);
    const secret = (await client.query('select secret from alert_channels where id = $1', [channel])).rows[0].secret as string;
    const verifier = new Webhook(secret);
    const fresh = webhookRequest(delivery, SITE);
    expect(verifier.verify(fresh.body, fresh.headers)).toMatchObject({ type: 'alert.test' });
    expect(() => verifier.verify(fresh.body.replace('alert.test', 'alert.firing'), fresh.headers)).toThrow(/No matching signature/);
    const old = webhookRequest(delivery, SITE, new Date(Date.now() - 10 * 60_000));
    expect(() => verifier.verify(old.body, old.headers)).toThrow(/too old/);
    expect(() => verifier.verify(fresh.body, { ...fresh.headers, 'webhook-timestamp': old.headers['webhook-timestamp'] ?? '' })).toThrow();
  });
});

describe('one notification, however many evaluate', () => {
  it('a second evaluator while one runs is skipped; concurrent ticks deliver the firing once', async () => {
    const ws = await workspace('twice');
    const channel = await addChannel(client, ws, receiver);
    await addRule(client, ws, { metric: 'bounce_rate', threshold: 0.1, window: '24h', min_sends: 1, channel_id: channel });
    await insertEvents(client, [...sends(ws, 4), { workspace_id: ws, contact_email: 'b@x.io', event_type: 'bounced', event_ts: recent(1) }]);
    await refreshViewsNow(client);
    const holder = await connect();
    try {
      await holder.query('begin');
      expect((await holder.query('select public.alerts_evaluate() as v')).rows[0].v).toMatchObject({ status: 'evaluated', fired: 1 });
      expect(await evaluate(client)).toMatchObject({ status: 'skipped' });
      await holder.query('commit');
    } finally {
      await holder.end();
    }
    // Three cron deliveries overlapping: evaluations and deliveries at once.
    const stores = [0, 1, 2].map(() => createPostgresStore({ connectionString: databaseUrl(), max: 2 }));
    try {
      await Promise.all(stores.map(async (s) => {
        await evaluateAlerts(s);
        await deliverDue(s, OPTIONS);
      }));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
    expect((await outbox(client, ws)).map((row) => [row.event_type, row.status])).toEqual([['alert.firing', 'sent']]);
    expect(receiver.received()).toHaveLength(1);
  });
});

describe('an LLM budget per local month', () => {
  it('crossings at 80 % and 100 % fire once each per month, and both re-arm when the month begins in the workspace\'s zone', async () => {
    const ws = await workspace('budget');
    await client.query(`insert into public.workspace_settings (workspace_id, time_zone) values ($1, 'America/New_York')`, [ws]);
    const channel = await addChannel(client, ws, receiver);
    const warn = await addRule(client, ws, { metric: 'llm_cost', threshold: 80, period: 'month', channel_id: channel });
    const over = await addRule(client, ws, { metric: 'llm_cost', threshold: 100, period: 'month', channel_id: channel });
    const spend = async (usd: number, at: string) => {
      await insertLlmUsage(client, [{ workspace_id: ws, cost_usd: usd, created_at: at }]);
      await refreshViewsNow(client);
    };
    const firings = async () => (await outbox(client, ws)).map((row) => `${row.event_type === 'alert.firing' ? 'fired' : 'resolved'} ${row.rule_id === warn ? 80 : 100}`);

    await spend(50, '2025-03-05T12:00:00Z');
    await evaluate(client, '2025-03-05T13:00:00Z');
    await spend(35, '2025-03-09T12:00:00Z');
    await evaluate(client, '2025-03-10T13:00:00Z');
    expect(await firings()).toEqual(['fired 80']);
    await spend(20, '2025-03-19T12:00:00Z');
    await evaluate(client, '2025-03-20T13:00:00Z');
    await evaluate(client, '2025-03-25T13:00:00Z');
    expect(await firings()).toEqual(['fired 80', 'fired 100']);
    // 22:00 on March 31st in New York (April 1st, 02:00 UTC): still March there.
    await spend(10, '2025-04-01T02:00:00Z');
    expect(await evaluate(client, '2025-04-01T03:30:00Z')).toMatchObject({ fired: 0, resolved: 0, rearmed: 0 });
    const march = await outbox(client, ws);
    expect(march[1]?.payload).toMatchObject({ value: 105, threshold: 100, period: 'month', from: '2025-03-01', to: '2025-03-20', time_zone: 'America/New_York' });
    // 00:30 on April 1st in New York: a new month, both re-armed.
    expect(await evaluate(client, '2025-04-01T04:30:00Z')).toMatchObject({ resolved: 2, rearmed: 2 });
    expect((await outbox(client, ws)).slice(2).map((row) => row.payload.reason)).toEqual(['period_ended', 'period_ended']);
    await spend(90, '2025-04-02T12:00:00Z');
    await evaluate(client, '2025-04-02T13:00:00Z');
    await evaluate(client, '2025-04-03T13:00:00Z');
    const told = await firings();
    // (The two rules of one evaluation are taken in id order.)
    expect([...told.slice(0, 2), ...told.slice(2, 4).sort(), told[4]]).toEqual(['fired 80', 'fired 100', 'resolved 100', 'resolved 80', 'fired 80']);
    expect(await deliverDue(store, OPTIONS)).toMatchObject({ sent: 5 });
    expect(receiver.accepted().map((r) => `${r.verified?.type} ${r.verified?.value}`)).toEqual([
      'alert.firing 85', 'alert.firing 105', 'alert.resolved 115', 'alert.resolved 115', 'alert.firing 90']);
  });
});

describe('reminders', () => {
  it('with repeat_every_seconds, a firing rule reminds once the interval has passed, and only then', async () => {
    const ws = await workspace('remind');
    const channel = await addChannel(client, ws, receiver);
    await addRule(client, ws, { metric: 'llm_cost', threshold: 1, period: 'day', repeat_every_seconds: 600, channel_id: channel });
    await insertLlmUsage(client, [{ workspace_id: ws, cost_usd: 5, created_at: '2025-05-05T08:00:00Z' }]);
    await refreshViewsNow(client);
    for (const at of ['10:00:00', '10:05:00', '10:09:59', '10:10:00', '10:15:00', '10:20:00']) await evaluate(client, `2025-05-05T${at}Z`);
    const told = await outbox(client, ws);
    expect(told.map((row) => [row.event_type, row.payload.reminder, row.payload.at])).toEqual([
      ['alert.firing', false, '2025-05-05T10:00:00.000Z'], ['alert.firing', true, '2025-05-05T10:10:00.000Z'], ['alert.firing', true, '2025-05-05T10:20:00.000Z']]);
    expect(new Set(told.map((row) => row.payload.since))).toEqual(new Set(['2025-05-05T10:00:00.000Z']));
  });
});

describe('stale_views (the operators\' rule)', () => {
  it('fires when the refresh route fails, with the views\' age', async () => {
    const ws = await workspace('stale');
    cleanUp.push('');
    await removeAlerts(client, '');
    const channel = await addChannel(client, '', receiver);
    await addRule(client, '', { metric: 'stale_views', threshold: 1, channel_id: channel });
    await refreshViewsNow(client);
    await evaluate(client, undefined, 'operators');
    expect(await outbox(client, '')).toEqual([]);
    await vi.waitFor(async () => {
      const { rows } = await client.query('select min(age_seconds) as age from get_view_freshness()');
      expect(rows[0].age).toBeGreaterThanOrEqual(2);
    }, { timeout: 10_000, interval: 200 });
    // The refresh gets work, then is held in its contacts step and cancelled there: it fails.
    await insertEvents(client, [{ workspace_id: ws, event_ts: recent(1) }]);
    const blocker = await connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table public.dashboard_contact_days in access exclusive mode');
      const answer = callRoute(refreshRoute, '/api/admin/refresh-views', { method: 'POST', headers: { 'x-refresh-token': TOKEN } });
      await vi.waitFor(async () => {
        const { rows } = await client.query(`select pid from pg_stat_activity where wait_event_type = 'Lock' and query like '%refresh_dashboard_views%'`);
        expect(rows).toHaveLength(1);
        await client.query('select pg_cancel_backend($1::integer)', [rows[0].pid]);
      }, { timeout: 20_000, interval: 50 });
      vi.spyOn(console, 'error').mockImplementation(() => {});
      expect((await answer).status).toBe(503);
    } finally {
      await blocker.query('rollback');
      await blocker.end();
    }
    await vi.waitFor(() => expect(receiver.accepted()).toHaveLength(1), { timeout: 10_000 });
    expect(receiver.accepted()[0]?.verified).toMatchObject({ type: 'alert.firing', metric: 'stale_views', workspace_id: null, threshold: 1 });
    expect(Number(receiver.accepted()[0]?.verified?.value)).toBeGreaterThanOrEqual(2);
    await refreshViewsNow(client);
  });
});
