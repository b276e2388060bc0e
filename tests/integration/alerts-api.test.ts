// The alerts API in-process against the real Postgres of the test run, signed in with tokens minted
// here: members read a workspace's rules, admins manage them, viewers see no channel URL and get 403
// on writes, non-members the same 404 as a missing workspace; the signing secret is shown once.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as list } from '../../app/api/dashboard/alerts/route';
import { POST as addChannel } from '../../app/api/dashboard/alerts/channels/route';
import { DELETE as removeChannel } from '../../app/api/dashboard/alerts/channels/[id]/route';
import { POST as enableChannel } from '../../app/api/dashboard/alerts/channels/[id]/enable/route';
import { POST as testChannel } from '../../app/api/dashboard/alerts/channels/[id]/test/route';
import { POST as addRule } from '../../app/api/dashboard/alerts/rules/route';
import { DELETE as removeRule, PUT as changeRule } from '../../app/api/dashboard/alerts/rules/[id]/route';
import { alertsResponseSchema, type AlertsResponse } from '../../lib/alerts/schema';
import { resetEnvCache } from '../../lib/env';
import { removeAlerts } from '../support/alerts';
import { addMember, bearer, hs256Token, openMode, requireSignIn, TEST_JWT_SECRET } from '../support/auth';
import { connect, uniqueWorkspace } from '../support/db';
import { callRoute } from '../support/routes';
import { startReceiver, type Receiver } from '../support/webhook-receiver';

let client: pg.Client;
let receiver: Receiver;
const ws = uniqueWorkspace('alerts-api');
const admin = randomUUID();
const viewer = randomUUID();
const outsider = randomUUID();
const tokens: Record<'admin' | 'viewer' | 'outsider', string> = { admin: '', viewer: '', outsider: '' };

beforeAll(async () => {
  client = await connect();
  receiver = await startReceiver();
  await addMember(client, ws, admin, 'admin');
  await addMember(client, ws, viewer, 'viewer');
  requireSignIn({ jwtSecret: TEST_JWT_SECRET });
  tokens.admin = await hs256Token({ sub: admin });
  tokens.viewer = await hs256Token({ sub: viewer });
  tokens.outsider = await hs256Token({ sub: outsider });
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterAll(async () => {
  vi.restoreAllMocks();
  openMode();
  await removeAlerts(client, ws);
  await receiver.close();
  await client.end();
});

type Who = keyof typeof tokens;
const q = (workspace = ws) => `?workspace_id=${encodeURIComponent(workspace)}`;
const json = (who: Who, method: string, body?: unknown): RequestInit => ({
  method, headers: { ...bearer(tokens[who]), 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
});

async function channelAndRule() {
  const made = await callRoute<{ channel: { id: string }; secret: string }>(addChannel, `/api/dashboard/alerts/channels${q()}`,
    json('admin', 'POST', { kind: 'webhook', url: receiver.url('/hook/t0ken-in-the-path'), name: 'ops' }));
  const rule = await callRoute<{ rule: { id: string } }>(addRule, `/api/dashboard/alerts/rules${q()}`,
    json('admin', 'POST', { metric: 'bounce_rate', direction: 'above', threshold: 0.05, window: '7d', channel_id: made.body.channel.id }));
  return { channel: made, rule };
}

describe('the alerts API', () => {
  it('an admin makes a webhook channel (its secret shown once) and a rule; GET shows the URL\'s host only, never the secret', async () => {
    const { channel, rule } = await channelAndRule();
    expect(channel.status).toBe(201);
    expect(channel.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(rule.status).toBe(201);
    const answer = await callRoute<AlertsResponse>(list, `/api/dashboard/alerts${q()}`, json('admin', 'GET'));
    expect(answer.status).toBe(200);
    const body = alertsResponseSchema.parse(answer.body);
    expect(body.role).toBe('admin');
    expect(body.channels.find((c) => c.id === channel.body.channel.id)).toMatchObject({ kind: 'webhook', name: 'ops', url_hint: `${receiver.url('')}/…` });
    expect(body.rules.find((r) => r.id === rule.body.rule.id)).toMatchObject({ metric: 'bounce_rate', window: '7d', min_sends: 100, state: 'ok', deliveries: [] });
    const text = JSON.stringify(answer.body);
    expect(text).not.toContain('t0ken-in-the-path');
    expect(text).not.toContain(channel.body.secret);
  });

  it('a viewer reads the rules but no channel URL, and every write is a 403', async () => {
    const { channel, rule } = await channelAndRule();
    const answer = await callRoute<AlertsResponse>(list, `/api/dashboard/alerts${q()}`, json('viewer', 'GET'));
    expect(answer.status).toBe(200);
    expect(answer.body.role).toBe('viewer');
    expect(answer.body.rules.map((r) => r.id)).toContain(rule.body.rule.id);
    for (const c of answer.body.channels) expect(c.url_hint ?? null).toBeNull();
    expect(JSON.stringify(answer.body)).not.toContain('127.0.0.1');
    const writes = [
      callRoute(addRule, `/api/dashboard/alerts/rules${q()}`, json('viewer', 'POST', { metric: 'reply_rate', direction: 'below', threshold: 0.01, window: '7d', channel_id: channel.body.channel.id })),
      callRoute(changeRule, `/api/dashboard/alerts/rules/${rule.body.rule.id}${q()}`, json('viewer', 'PUT', { metric: 'reply_rate', direction: 'below', threshold: 0.01, window: '7d', channel_id: channel.body.channel.id }), { id: rule.body.rule.id }),
      callRoute(removeRule, `/api/dashboard/alerts/rules/${rule.body.rule.id}${q()}`, json('viewer', 'DELETE'), { id: rule.body.rule.id }),
      callRoute(addChannel, `/api/dashboard/alerts/channels${q()}`, json('viewer', 'POST', { kind: 'slack', url: receiver.url('/slack') })),
      callRoute(removeChannel, `/api/dashboard/alerts/channels/${channel.body.channel.id}${q()}`, json('viewer', 'DELETE'), { id: channel.body.channel.id }),
      callRoute(testChannel, `/api/dashboard/alerts/channels/${channel.body.channel.id}/test${q()}`, json('viewer', 'POST'), { id: channel.body.channel.id }),
      callRoute(enableChannel, `/api/dashboard/alerts/channels/${channel.body.channel.id}/enable${q()}`, json('viewer', 'POST'), { id: channel.body.channel.id }),
    ];
    expect((await Promise.all(writes)).map((w) => w.status)).toEqual([403, 403, 403, 403, 403, 403, 403]);
  });

  it('a non-member gets the same 404 as a missing workspace, reading or writing; signed out is a 401', async () => {
    const theirs = await callRoute(list, `/api/dashboard/alerts${q()}`, json('outsider', 'GET'));
    const missing = await callRoute(list, `/api/dashboard/alerts${q(uniqueWorkspace('nobody'))}`, json('admin', 'GET'));
    expect([theirs.status, missing.status]).toEqual([404, 404]);
    expect(theirs.body).toEqual(missing.body);
    const write = await callRoute(addChannel, `/api/dashboard/alerts/channels${q()}`, json('outsider', 'POST', { kind: 'slack', url: receiver.url('/s') }));
    expect(write.status).toBe(404);
    expect((await callRoute(list, `/api/dashboard/alerts${q()}`)).status).toBe(401);
  });

  it('names the field of a bad rule (400), refuses stale_views here, a channel in use (409), and changes and removes a rule', async () => {
    const { channel, rule } = await channelAndRule();
    const bad = await callRoute<{ issues: Array<{ parameter: string }> }>(addRule, `/api/dashboard/alerts/rules${q()}`,
      json('admin', 'POST', { metric: 'bounce_rate', direction: 'above', threshold: 0.05, channel_id: channel.body.channel.id }));
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i) => i.parameter)).toEqual(['window']);
    const stale = await callRoute(addRule, `/api/dashboard/alerts/rules${q()}`, json('admin', 'POST', { metric: 'stale_views', direction: 'above', threshold: 600, channel_id: channel.body.channel.id }));
    expect(stale.status).toBe(400);
    const foreign = await callRoute<{ error: string }>(addRule, `/api/dashboard/alerts/rules${q()}`,
      json('admin', 'POST', { metric: 'llm_cost', direction: 'above', threshold: 10, period: 'day', channel_id: randomUUID() }));
    expect(foreign.status).toBe(400);
    const id = rule.body.rule.id;
    const changed = await callRoute<{ rule: { threshold: number; campaign: string } }>(changeRule, `/api/dashboard/alerts/rules/${id}${q()}`,
      json('admin', 'PUT', { metric: 'bounce_rate', direction: 'above', threshold: 0.2, window: '24h', campaign: 'Launch', channel_id: channel.body.channel.id }), { id });
    expect(changed.status).toBe(200);
    expect(changed.body.rule).toMatchObject({ threshold: 0.2, campaign: 'Launch' });
    const inUse = await callRoute(removeChannel, `/api/dashboard/alerts/channels/${channel.body.channel.id}${q()}`, json('admin', 'DELETE'), { id: channel.body.channel.id });
    expect(inUse.status).toBe(409);
    expect((await callRoute(removeRule, `/api/dashboard/alerts/rules/${id}${q()}`, json('admin', 'DELETE'), { id })).status).toBe(204);
    expect((await callRoute(removeRule, `/api/dashboard/alerts/rules/${id}${q()}`, json('admin', 'DELETE'), { id })).status).toBe(404);
  });

  it('"send a test notification" goes through the outbox and answers what the receiver did', async () => {
    const { channel } = await channelAndRule();
    receiver.setSecret(channel.body.secret);
    const before = receiver.accepted().length;
    const answer = await callRoute<{ delivery: { sent: number } }>(testChannel, `/api/dashboard/alerts/channels/${channel.body.channel.id}/test${q()}`,
      json('admin', 'POST'), { id: channel.body.channel.id });
    expect(answer.status).toBe(200);
    expect(answer.body.delivery).toMatchObject({ attempted: 1, sent: 1 });
    expect(receiver.accepted().slice(before).map((r) => r.verified?.type)).toEqual(['alert.test']);
  });

  it('outside development refuses a URL that resolves to a loopback address, unless ALERTS_ALLOW_PRIVATE_URLS=1', async () => {
    process.env.ALERTS_ALLOW_PRIVATE_URLS = '0';
    resetEnvCache();
    try {
      for (const url of [receiver.url('/hook'), 'http://localhost:9/x', 'http://[::1]:9/x', 'http://10.1.2.3/x', 'http://169.254.169.254/latest']) {
        const refused = await callRoute<{ issues: Array<{ parameter: string; message: string }> }>(addChannel, `/api/dashboard/alerts/channels${q()}`,
          json('admin', 'POST', { kind: 'webhook', url }));
        expect({ url, status: refused.status }).toEqual({ url, status: 400 });
        expect(refused.body.issues[0]).toMatchObject({ parameter: 'url', message: expect.stringMatching(/private or loopback/) });
      }
    } finally {
      process.env.ALERTS_ALLOW_PRIVATE_URLS = '1';
      resetEnvCache();
    }
  });

  it('refuses a cross-site write that carries the session cookie (Sec-Fetch-Site), and writes in the open mode', async () => {
    const crossSite = await callRoute(addRule, `/api/dashboard/alerts/rules${q()}`, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site', cookie: 'sb-x=1' }, body: '{}' });
    expect(crossSite.status).toBe(403);
    openMode();
    try {
      const open = await callRoute(addChannel, `/api/dashboard/alerts/channels${q()}`, { method: 'POST', body: JSON.stringify({ kind: 'slack', url: receiver.url('/s') }) });
      expect(open.status).toBe(403);
      expect((await callRoute(list, `/api/dashboard/alerts${q()}`)).status).toBe(200);
    } finally {
      requireSignIn({ jwtSecret: TEST_JWT_SECRET });
    }
  });
});
