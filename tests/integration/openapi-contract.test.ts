// Real answers of the API, from the route handlers called in-process against the test run's Postgres,
// checked against the OpenAPI document GET /api/openapi.json serves, as a client generated from it
// would check them (Ajv, JSON Schema 2020-12): every status is documented for its route and every body
// matches its schema; read as closed objects too, so nothing undocumented is sent. An answer with a
// field removed or of the wrong type fails the same check.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as freshnessOrRefresh, POST as operatorRefresh } from '../../app/api/admin/refresh-views/route';
import { GET as aggregate } from '../../app/api/dashboard/aggregate/route';
import { DELETE as removeChannel } from '../../app/api/dashboard/alerts/channels/[id]/route';
import { POST as enableChannel } from '../../app/api/dashboard/alerts/channels/[id]/enable/route';
import { POST as testChannel } from '../../app/api/dashboard/alerts/channels/[id]/test/route';
import { POST as addChannel } from '../../app/api/dashboard/alerts/channels/route';
import { GET as alerts } from '../../app/api/dashboard/alerts/route';
import { DELETE as removeRule, PUT as changeRule } from '../../app/api/dashboard/alerts/rules/[id]/route';
import { POST as addRule } from '../../app/api/dashboard/alerts/rules/route';
import { GET as campaigns } from '../../app/api/dashboard/campaigns/route';
import { POST as memberRefresh } from '../../app/api/dashboard/refresh/route';
import { GET as timeZone, PUT as setTimeZone } from '../../app/api/dashboard/time-zone/route';
import { GET as timeZones } from '../../app/api/dashboard/time-zones/route';
import { GET as workspaces } from '../../app/api/dashboard/workspaces/route';
import { GET as openApi } from '../../app/api/openapi.json/route';
import { resetEnvCache } from '../../lib/env';
import { refreshResponse } from '../../lib/http/refresh';
import type { OpenApiDocument } from '../../lib/openapi/document-schema';
import { removeAlerts } from '../support/alerts';
import { addMember, bearer, hs256Token, openMode, requireSignIn, TEST_JWT_SECRET } from '../support/auth';
import { connect, insertEvents, insertLlmUsage, refreshViewsNow, uniqueWorkspace } from '../support/db';
import { answerValidator } from '../support/openapi';
import { callRoute, type RouteAnswer, type RouteContext } from '../support/routes';
import { startReceiver, type Receiver } from '../support/webhook-receiver';

type Handler = (request: Request, context: RouteContext) => Promise<Response>;
type Json = Record<string, unknown>;

const REFRESH_TOKEN = 'o'.repeat(64);
const ws = uniqueWorkspace('openapi');
const admin = randomUUID();
const viewer = randomUUID();
const outsider = randomUUID();
const tokens = { admin: '', viewer: '', outsider: '' };

let client: pg.Client;
let receiver: Receiver;
let document: OpenApiDocument;
let open: ReturnType<typeof answerValidator>;
let closed: ReturnType<typeof answerValidator>;

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  client = await connect();
  receiver = await startReceiver();
  await insertEvents(client, [
    { workspace_id: ws, campaign_name: 'Alpha', contact_email: 'a@x', event_type: 'sent', email_number: 1, event_ts: '2025-03-01T10:00:00Z' },
    { workspace_id: ws, campaign_name: 'Alpha', contact_email: 'a@x', event_type: 'opened', email_number: 1, event_ts: '2025-03-02T10:00:00Z' },
    { workspace_id: ws, campaign_name: 'Beta', contact_email: 'b@x', event_type: 'sent', email_number: 7, event_ts: '2025-03-02T11:00:00Z' },
    { workspace_id: ws, campaign_name: 'Beta', contact_email: 'b@x', event_type: 'replied', email_number: 7, event_ts: '2025-03-03T11:00:00Z' },
  ]);
  await insertLlmUsage(client, [
    { workspace_id: ws, campaign_name: 'Alpha', provider: 'openai', model: 'gpt-4o-mini', cost_usd: '0.25', created_at: '2025-03-02T08:00:00Z' },
    { workspace_id: ws, campaign_name: null, provider: 'anthropic', model: 'claude-haiku', cost_usd: '1.5', created_at: '2025-03-03T08:00:00Z' },
  ]);
  await refreshViewsNow(client);
  await addMember(client, ws, admin, 'admin');
  await addMember(client, ws, viewer, 'viewer');
  requireSignIn({ jwtSecret: TEST_JWT_SECRET });
  process.env.MATERIALIZED_VIEWS_REFRESH_TOKEN = REFRESH_TOKEN;
  resetEnvCache();
  tokens.admin = await hs256Token({ sub: admin });
  tokens.viewer = await hs256Token({ sub: viewer });
  tokens.outsider = await hs256Token({ sub: outsider });
  document = (await callRoute<OpenApiDocument>(openApi, '/api/openapi.json')).body;
  open = answerValidator(document);
  closed = answerValidator(document, { closed: true });
});

afterAll(async () => {
  delete process.env.MATERIALIZED_VIEWS_REFRESH_TOKEN;
  openMode();
  await removeAlerts(client, ws);
  await client.query('delete from public.workspace_members where workspace_id = $1', [ws]);
  await client.query('delete from public.workspace_settings where workspace_id = $1', [ws]);
  await receiver.close();
  await client.end();
  vi.restoreAllMocks();
});

const as = (who: keyof typeof tokens, method = 'GET', body?: unknown): RequestInit => ({
  method, headers: { ...bearer(tokens[who]), 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
});
const q = (params: Record<string, string> = {}) => `?${new URLSearchParams({ workspace_id: ws, ...params })}`;

/**
 * Calls a route and checks its answer against the document's entry for `method template` (the path
 * as the document writes it). Returns the answer for further checks.
 */
async function documentedAnswer<T = Json>(handler: Handler, method: string, template: string, url: string, init: RequestInit = { method },
  params: Record<string, string> = {}): Promise<RouteAnswer<T>> {
  const answer = await callRoute<T>(handler, url, init, params);
  expect(open.problems(method, template, answer.status, answer.body), `${method} ${url} → ${answer.status}`).toEqual([]);
  expect(closed.problems(method, template, answer.status, answer.body), `${method} ${url} → ${answer.status} (closed)`).toEqual([]);
  return answer;
}

describe('real answers against the OpenAPI document', () => {
  let dashboard: Json;

  it('GET /api/dashboard/aggregate: 200, with compare=previous and weeks, and the 304 of its ETag', async () => {
    const first = await documentedAnswer<Json>(aggregate, 'GET', '/api/dashboard/aggregate', `/api/dashboard/aggregate${q({ from: '2025-03-01', to: '2025-03-03' })}`, as('admin'));
    expect(first.status).toBe(200);
    expect(first.body.summary).toMatchObject({ sends: 2, replies: 1, llm_calls: 2 });
    dashboard = first.body;
    const compared = await documentedAnswer<Json>(aggregate, 'GET', '/api/dashboard/aggregate',
      `/api/dashboard/aggregate${q({ from: '2025-03-01', to: '2025-03-14', interval: 'week', compare: 'previous', source: 'live' })}`, as('admin'));
    expect(compared.status).toBe(200);
    expect(compared.body.comparison).not.toBeNull();
    const etag = first.headers.get('etag') ?? '';
    const again = await documentedAnswer(aggregate, 'GET', '/api/dashboard/aggregate', `/api/dashboard/aggregate${q({ from: '2025-03-01', to: '2025-03-03' })}`,
      { headers: { ...bearer(tokens.admin), 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('GET /api/dashboard/campaigns, /workspaces, /time-zone and /time-zones: 200', async () => {
    const table = await documentedAnswer<Json>(campaigns, 'GET', '/api/dashboard/campaigns', `/api/dashboard/campaigns${q({ range: '12m', source: 'raw' })}`, as('admin'));
    expect(table.status).toBe(200);
    const listed = await documentedAnswer<{ workspaces: Json[] }>(workspaces, 'GET', '/api/dashboard/workspaces', '/api/dashboard/workspaces', as('admin'));
    expect(listed.body.workspaces.map((w) => w.workspace_id)).toContain(ws);
    const zone = await documentedAnswer<Json>(timeZone, 'GET', '/api/dashboard/time-zone', `/api/dashboard/time-zone${q()}`, as('viewer'));
    expect(zone.body).toMatchObject({ workspace_id: ws, time_zone: 'UTC' });
    const zones = await documentedAnswer<{ time_zones: Json[] }>(timeZones, 'GET', '/api/dashboard/time-zones', '/api/dashboard/time-zones', as('viewer'));
    expect(zones.body.time_zones.length).toBeGreaterThan(300);
  });

  it('PUT /api/dashboard/time-zone: 200, and 400 naming an unknown zone', async () => {
    const set = await documentedAnswer<Json>(setTimeZone, 'PUT', '/api/dashboard/time-zone', `/api/dashboard/time-zone${q()}`, as('admin', 'PUT', { time_zone: 'Asia/Kolkata' }));
    expect(set.body).toMatchObject({ time_zone: 'Asia/Kolkata', rebuild_pending: true });
    const unknown = await documentedAnswer<Json>(setTimeZone, 'PUT', '/api/dashboard/time-zone', `/api/dashboard/time-zone${q()}`, as('admin', 'PUT', { time_zone: 'EDT' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toEqual([expect.objectContaining({ parameter: 'time_zone' })]);
  });

  it('the alerts API: a channel (201), a rule (201, then 200), the list, a test notification, 409, 204s', async () => {
    const made = await documentedAnswer<{ channel: { id: string }; secret: string }>(addChannel, 'POST', '/api/dashboard/alerts/channels',
      `/api/dashboard/alerts/channels${q()}`, as('admin', 'POST', { kind: 'webhook', url: receiver.url('/hook'), name: 'ops' }));
    expect(made.status).toBe(201);
    const channel = made.body.channel.id;
    const rule = { metric: 'bounce_rate', direction: 'above', threshold: 0.05, window: '7d', channel_id: channel };
    const added = await documentedAnswer<{ rule: { id: string } }>(addRule, 'POST', '/api/dashboard/alerts/rules', `/api/dashboard/alerts/rules${q()}`, as('admin', 'POST', rule));
    expect(added.status).toBe(201);
    const id = added.body.rule.id;
    const changed = await documentedAnswer(changeRule, 'PUT', '/api/dashboard/alerts/rules/{id}', `/api/dashboard/alerts/rules/${id}${q()}`,
      as('admin', 'PUT', { ...rule, threshold: 0.1, min_sends: 10 }), { id });
    expect(changed.status).toBe(200);
    const list = await documentedAnswer<{ rules: Json[]; channels: Json[] }>(alerts, 'GET', '/api/dashboard/alerts', `/api/dashboard/alerts${q()}`, as('admin'));
    expect(list.body.rules).toHaveLength(1);
    const asViewer = await documentedAnswer(alerts, 'GET', '/api/dashboard/alerts', `/api/dashboard/alerts${q()}`, as('viewer'));
    expect(asViewer.status).toBe(200);
    const tested = await documentedAnswer<{ delivery: Json }>(testChannel, 'POST', '/api/dashboard/alerts/channels/{id}/test',
      `/api/dashboard/alerts/channels/${channel}/test${q()}`, as('admin', 'POST'), { id: channel });
    expect(tested.body.delivery).toMatchObject({ sent: 1 });
    const inUse = await documentedAnswer(removeChannel, 'DELETE', '/api/dashboard/alerts/channels/{id}', `/api/dashboard/alerts/channels/${channel}${q()}`,
      as('admin', 'DELETE'), { id: channel });
    expect(inUse.status).toBe(409);
    const enabled = await documentedAnswer(enableChannel, 'POST', '/api/dashboard/alerts/channels/{id}/enable', `/api/dashboard/alerts/channels/${channel}/enable${q()}`,
      as('admin', 'POST'), { id: channel });
    expect(enabled.status).toBe(204);
    expect((await documentedAnswer(removeRule, 'DELETE', '/api/dashboard/alerts/rules/{id}', `/api/dashboard/alerts/rules/${id}${q()}`, as('admin', 'DELETE'), { id })).status).toBe(204);
    const removed = await documentedAnswer(removeChannel, 'DELETE', '/api/dashboard/alerts/channels/{id}', `/api/dashboard/alerts/channels/${channel}${q()}`,
      as('admin', 'DELETE'), { id: channel });
    expect(removed.status).toBe(204);
    const forbidden = await documentedAnswer(addRule, 'POST', '/api/dashboard/alerts/rules', `/api/dashboard/alerts/rules${q()}`, as('viewer', 'POST', rule));
    expect(forbidden.status).toBe(403);
  });

  it('the refreshes: the page\'s (200), the operator\'s (200 on POST and GET), the anonymous freshness report, and a 409', async () => {
    const page = await documentedAnswer<Json>(memberRefresh, 'POST', '/api/dashboard/refresh', `/api/dashboard/refresh${q()}`, as('admin', 'POST'));
    expect(page.body).toMatchObject({ status: 'refreshed', workspace_id: ws });
    const token = { headers: { 'x-refresh-token': REFRESH_TOKEN } };
    const operator = await documentedAnswer<Json>(operatorRefresh, 'POST', '/api/admin/refresh-views', '/api/admin/refresh-views', { method: 'POST', ...token });
    expect(operator.body).toMatchObject({ status: 'refreshed', alerts: expect.objectContaining({ status: 'evaluated' }) });
    const cron = await documentedAnswer<Json>(freshnessOrRefresh, 'GET', '/api/admin/refresh-views', '/api/admin/refresh-views', token);
    expect(cron.body.status).toBe('refreshed');
    const report = await documentedAnswer<Json>(freshnessOrRefresh, 'GET', '/api/admin/refresh-views', '/api/admin/refresh-views?fail_if_stale=1');
    expect(report.body).toMatchObject({ stale: false });
    const busy = refreshResponse({ kind: 'busy', reason: 'refresh already running' });
    expect(open.problems('POST', '/api/admin/refresh-views', busy.status, await busy.json())).toEqual([]);
  });

  it('the errors: 400 naming the parameter, 401, 403 source=raw for a viewer, 404 for a non-member, 401 for a wrong refresh token', async () => {
    const bad = await documentedAnswer<Json>(aggregate, 'GET', '/api/dashboard/aggregate', `/api/dashboard/aggregate${q({ from: '2025-13-01' })}`, as('admin'));
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([expect.objectContaining({ parameter: 'from' })]);
    expect((await documentedAnswer(aggregate, 'GET', '/api/dashboard/aggregate', `/api/dashboard/aggregate${q()}`)).status).toBe(401);
    expect((await documentedAnswer(aggregate, 'GET', '/api/dashboard/aggregate', `/api/dashboard/aggregate${q({ source: 'raw' })}`, as('viewer'))).status).toBe(403);
    expect((await documentedAnswer(campaigns, 'GET', '/api/dashboard/campaigns', `/api/dashboard/campaigns${q()}`, as('outsider'))).status).toBe(404);
    expect((await documentedAnswer(freshnessOrRefresh, 'GET', '/api/admin/refresh-views', '/api/admin/refresh-views?fail_if_stale=maybe')).status).toBe(400);
    const wrong = await documentedAnswer(operatorRefresh, 'POST', '/api/admin/refresh-views', '/api/admin/refresh-views',
      { method: 'POST', headers: { 'x-refresh-token': 'x'.repeat(64) } });
    expect(wrong.status).toBe(401);
  });

  it('documents the parameters as the routes read them: each documented one is taken, an undocumented one refused (400 naming it)', async () => {
    const handlers: Record<string, Handler> = {
      'GET /api/dashboard/aggregate': aggregate, 'GET /api/dashboard/campaigns': campaigns, 'GET /api/dashboard/workspaces': workspaces,
      'GET /api/dashboard/time-zone': timeZone, 'GET /api/dashboard/time-zones': timeZones, 'GET /api/dashboard/alerts': alerts,
      'DELETE /api/dashboard/alerts/rules/{id}': removeRule, 'POST /api/dashboard/alerts/channels/{id}/enable': enableChannel,
    };
    // A from alone ends today: a recent day keeps the range under 366 days.
    const recent = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    const samples: Record<string, string> = { workspace_id: ws, from: recent, to: '2025-03-03', campaign: 'Alpha' };
    for (const [route, handler] of Object.entries(handlers)) {
      const [method = '', template = ''] = route.split(' ');
      const operation = (document.paths[template] as Record<string, { parameters?: Array<{ name?: string; in?: string; schema?: { enum?: string[] } }> }>)[method.toLowerCase()];
      const query = (operation?.parameters ?? []).filter((parameter) => parameter.in === 'query');
      const id = randomUUID();
      const url = (params: Record<string, string>) => `${template.replace('{id}', id)}?${new URLSearchParams(params)}`;
      const base: Record<string, string> = query.some((parameter) => parameter.name === 'workspace_id') ? { workspace_id: ws } : {};
      for (const { name = '', schema } of query) {
        const value = samples[name] ?? schema?.enum?.[0] ?? '';
        const answer = await documentedAnswer<Json>(handler, method, template, url({ ...base, [name]: value }), as('admin', method), { id });
        expect(answer.status === 400 ? { route, name, issues: answer.body?.issues } : null).toBeNull();
      }
      const refused = await documentedAnswer<Json>(handler, method, template, url({ ...base, bogus_parameter: '1' }), as('admin', method), { id });
      expect({ route, status: refused.status }).toEqual({ route, status: 400 });
      expect(refused.body.issues).toEqual([expect.objectContaining({ parameter: 'bogus_parameter' })]);
    }
  });

  it('fails an answer with a field removed, of the wrong type, with an undocumented status, or (read closed) with an undocumented field', () => {
    const route = ['GET', '/api/dashboard/aggregate'] as const;
    expect(open.problems(...route, 200, dashboard)).toEqual([]);
    const copy = () => JSON.parse(JSON.stringify(dashboard)) as { summary: Json; timeseries: Json[]; [key: string]: unknown };
    const withoutSends = copy();
    delete withoutSends.summary.sends;
    expect(open.problems(...route, 200, withoutSends).join('\n')).toContain('sends');
    const dayAsNumber = copy();
    if (dayAsNumber.timeseries[0]) dayAsNumber.timeseries[0].day = 20250301;
    expect(open.problems(...route, 200, dayAsNumber).join('\n')).toContain('/timeseries/0/day');
    const negative = copy();
    negative.summary.opens = -1;
    expect(open.problems(...route, 200, negative)).not.toEqual([]);
    expect(open.problems(...route, 400, { issues: [] })).not.toEqual([]);
    expect(open.problems(...route, 418, { error: 'teapot' })).toEqual(['GET /api/dashboard/aggregate does not document status 418']);
    const extra = { ...copy(), undocumented: 1 };
    expect(open.problems(...route, 200, extra)).toEqual([]);
    expect(closed.problems(...route, 200, extra)).not.toEqual([]);
  });
});
