// The app against a database out of step with it, through supabase-js and a stand-in for PostgREST
// (PostgREST cannot run here; the stand-in answers at supabase-js's HTTP edge, as a database
// migrated only up to an earlier migration would). Every API route answers 503 naming the missing
// migration and the command, never 500; a database ahead keeps serving while it is compatible.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GET as freshnessOrCron, POST as refreshViews } from '../../app/api/admin/refresh-views/route';
import { GET as aggregate } from '../../app/api/dashboard/aggregate/route';
import { GET as alerts } from '../../app/api/dashboard/alerts/route';
import { POST as addRule } from '../../app/api/dashboard/alerts/rules/route';
import { DELETE as removeRule, PUT as changeRule } from '../../app/api/dashboard/alerts/rules/[id]/route';
import { POST as addChannel } from '../../app/api/dashboard/alerts/channels/route';
import { DELETE as removeChannel } from '../../app/api/dashboard/alerts/channels/[id]/route';
import { POST as enableChannel } from '../../app/api/dashboard/alerts/channels/[id]/enable/route';
import { POST as testChannel } from '../../app/api/dashboard/alerts/channels/[id]/test/route';
import { GET as campaigns } from '../../app/api/dashboard/campaigns/route';
import { POST as memberRefresh } from '../../app/api/dashboard/refresh/route';
import { GET as timeZone, PUT as setTimeZone } from '../../app/api/dashboard/time-zone/route';
import { GET as timeZones } from '../../app/api/dashboard/time-zones/route';
import { GET as workspaces } from '../../app/api/dashboard/workspaces/route';
import { setStoreForTests } from '../../lib/db';
import { checkSchema, OUT_OF_STEP_RECHECK_MS } from '../../lib/db/schema-check';
import { APP_SCHEMA_VERSION } from '../../lib/db/schema-version';
import { createSupabaseStore } from '../../lib/db/supabase';
import { resetEnvCache } from '../../lib/env';
import { PROJECT_ROOT } from '../../scripts/lib/migrate';
import { bearer, hs256Token, openMode, requireSignIn, TEST_JWT_SECRET } from '../support/auth';
import { apiRoutes, callRoute } from '../support/routes';
import {
  BEFORE_BUCKETS, currentAggregate, currentContext, IN_STEP, missingFunction, schemaVersion, standInPostgrest, type RpcAnswer, type StandInPostgrest,
} from '../support/stand-in-postgrest';

const REFRESH_TOKEN = 't'.repeat(64);
type Handler = (request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>;
const ID = '00000000-0000-4000-8000-000000000001';
const RULE = JSON.stringify({ metric: 'bounce_rate', direction: 'above', threshold: 0.05, window: '24h', channel_id: ID });

/** One request per method of every API route file (the list is checked against app/api below); `user`: signed in. */
const REQUESTS: Record<string, { handler: Handler; url: string; user?: true; init?: RequestInit }> = {
  'GET /api/dashboard/aggregate': { handler: aggregate, url: '/api/dashboard/aggregate?workspace_id=acme', user: true },
  'GET /api/dashboard/campaigns': { handler: campaigns, url: '/api/dashboard/campaigns?workspace_id=acme', user: true },
  'GET /api/dashboard/workspaces': { handler: workspaces, url: '/api/dashboard/workspaces', user: true },
  'GET /api/dashboard/time-zone': { handler: timeZone, url: '/api/dashboard/time-zone?workspace_id=acme', user: true },
  'PUT /api/dashboard/time-zone': { handler: setTimeZone, url: '/api/dashboard/time-zone?workspace_id=acme', user: true,
    init: { method: 'PUT', body: JSON.stringify({ time_zone: 'Asia/Kolkata' }) } },
  'GET /api/dashboard/time-zones': { handler: timeZones, url: '/api/dashboard/time-zones', user: true },
  'POST /api/dashboard/refresh': { handler: memberRefresh, url: '/api/dashboard/refresh?workspace_id=acme', user: true, init: { method: 'POST' } },
  'GET /api/dashboard/alerts': { handler: alerts, url: '/api/dashboard/alerts?workspace_id=acme', user: true },
  'POST /api/dashboard/alerts/rules': { handler: addRule, url: '/api/dashboard/alerts/rules?workspace_id=acme', user: true, init: { method: 'POST', body: RULE } },
  'PUT /api/dashboard/alerts/rules/[id]': { handler: changeRule, url: `/api/dashboard/alerts/rules/${ID}?workspace_id=acme`, user: true, init: { method: 'PUT', body: RULE } },
  'DELETE /api/dashboard/alerts/rules/[id]': { handler: removeRule, url: `/api/dashboard/alerts/rules/${ID}?workspace_id=acme`, user: true, init: { method: 'DELETE' } },
  'POST /api/dashboard/alerts/channels': { handler: addChannel, url: '/api/dashboard/alerts/channels?workspace_id=acme', user: true,
    init: { method: 'POST', body: JSON.stringify({ kind: 'webhook', url: 'http://127.0.0.1:9/hook' }) } },
  'DELETE /api/dashboard/alerts/channels/[id]': { handler: removeChannel, url: `/api/dashboard/alerts/channels/${ID}?workspace_id=acme`, user: true, init: { method: 'DELETE' } },
  'POST /api/dashboard/alerts/channels/[id]/enable': { handler: enableChannel, url: `/api/dashboard/alerts/channels/${ID}/enable?workspace_id=acme`, user: true, init: { method: 'POST' } },
  'POST /api/dashboard/alerts/channels/[id]/test': { handler: testChannel, url: `/api/dashboard/alerts/channels/${ID}/test?workspace_id=acme`, user: true, init: { method: 'POST' } },
  'GET /api/admin/refresh-views': { handler: freshnessOrCron, url: '/api/admin/refresh-views' },
  'POST /api/admin/refresh-views': { handler: refreshViews, url: '/api/admin/refresh-views', init: { method: 'POST', headers: { 'x-refresh-token': REFRESH_TOKEN } } },
};

let token: string;
let errors: ReturnType<typeof vi.spyOn>;

beforeEach(async () => {
  requireSignIn({ jwtSecret: TEST_JWT_SECRET });
  process.env.MATERIALIZED_VIEWS_REFRESH_TOKEN = REFRESH_TOKEN;
  resetEnvCache();
  token = await hs256Token();
  errors = vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(console, 'log').mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  delete process.env.MATERIALIZED_VIEWS_REFRESH_TOKEN;
  openMode();
  setStoreForTests(undefined);
});

/** A fresh server process's store (nothing known of the schema yet) on a stand-in PostgREST. */
function serverOn(answers: Record<string, RpcAnswer>): StandInPostgrest {
  const postgrest = standInPostgrest(answers);
  setStoreForTests(createSupabaseStore({ url: 'https://project-ref.supabase.co', serviceRoleKey: 'service-role-key-for-tests-0123456789', fetch: postgrest.fetch }));
  return postgrest;
}

async function request(route: string) {
  const entry = REQUESTS[route];
  if (!entry) throw new Error(`no request for ${route}`);
  const headers = { ...(entry.user ? bearer(token) : {}), ...(entry.init?.headers as Record<string, string> | undefined) };
  return callRoute<{ error: string; schema?: Record<string, string | null> }>(entry.handler as Parameters<typeof callRoute>[0], entry.url, { ...entry.init, headers }, { id: ID });
}

const loggedEvents = () => errors.mock.calls.map((call: unknown[]) => (JSON.parse(String(call[0])) as { event: string }).event);

describe('a stand-in PostgREST answering as a database behind the app', () => {
  it('covers every API route file', () => {
    expect(Object.keys(REQUESTS).sort()).toEqual(apiRoutes(PROJECT_ROOT));
  });

  for (const route of Object.keys(REQUESTS)) {
    it(`${route} answers 503 naming the missing migration and \`npx supabase db push\`, with Retry-After`, async () => {
      serverOn(BEFORE_BUCKETS);
      const { status, headers, body } = await request(route);
      expect({ route, status }).toEqual({ route, status: 503 });
      expect(headers.get('retry-after')).toMatch(/^\d+$/);
      expect(body.error).toBe(`The database is behind this app: migration ${APP_SCHEMA_VERSION} is missing (it has none of this app's migrations, or predates dashboard_schema_version(); `
        + 'a Supabase project made by the Deploy button starts empty). Apply the migrations with '
        + '`npx supabase link --project-ref <your project ref>` then `npx supabase db push`, then retry.');
      expect(body.schema).toEqual({
        state: 'behind', app_schema_version: APP_SCHEMA_VERSION, database_schema_version: null, compatible_since: null,
        missing_migration: APP_SCHEMA_VERSION, command: 'npx supabase db push',
      });
      expect(JSON.stringify(body)).not.toMatch(/Could not find|PGRST|at .*\.ts/);
      expect(loggedEvents()).toContain('schema_out_of_step');
      expect(loggedEvents()).not.toContain('unhandled_error');
    });
  }

  it('once it knows, refuses every database call up front: no request reaches PostgREST until the recheck', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const postgrest = serverOn(BEFORE_BUCKETS);
    await request('GET /api/dashboard/workspaces');
    expect(postgrest.calls()).toEqual(['dashboard_workspaces_for_member', 'dashboard_schema_version']);
    for (const route of Object.keys(REQUESTS)) expect((await request(route)).status).toBe(503);
    expect(postgrest.calls()).toHaveLength(2);

    // The migrations are applied: within OUT_OF_STEP_RECHECK_MS the app asks again and serves, no restart.
    postgrest.answer('dashboard_schema_version', IN_STEP);
    postgrest.answer('dashboard_answer_context_for_member', currentContext('2025-01-02'));
    postgrest.answer('dashboard_aggregate_for_member', { status: 200, body: currentAggregate('acme', '2025-01-01') });
    vi.setSystemTime(Date.now() + OUT_OF_STEP_RECHECK_MS);
    const served = await callRoute(aggregate, '/api/dashboard/aggregate?workspace_id=acme&from=2025-01-01&to=2025-01-01', { headers: bearer(token) });
    expect(served.status).toBe(200);
    expect(postgrest.calls().slice(2)).toEqual(['dashboard_schema_version', 'dashboard_answer_context_for_member', 'dashboard_aggregate_for_member']);
  });
});

describe('a stand-in PostgREST answering as a database in step or ahead', () => {
  it('a healthy request makes its own calls only (context, answer): the schema check costs nothing once it is known', async () => {
    const postgrest = serverOn({ dashboard_schema_version: IN_STEP, dashboard_answer_context_for_member: currentContext('2025-01-02'),
      dashboard_aggregate_for_member: { status: 200, body: currentAggregate('acme', '2025-01-01') } });
    expect((await checkSchema())?.kind).toBe('in-step');
    for (let i = 0; i < 3; i++) {
      expect((await callRoute(aggregate, '/api/dashboard/aggregate?workspace_id=acme&from=2025-01-01&to=2025-01-01', { headers: bearer(token) })).status).toBe(200);
    }
    expect(postgrest.calls()).toEqual(['dashboard_schema_version', ...Array(3).fill(['dashboard_answer_context_for_member', 'dashboard_aggregate_for_member']).flat()]);
  });

  it('an old shape from a database whose version is the app\'s is a drifted migration: the 503 of an unexpected format', async () => {
    serverOn({ dashboard_schema_version: IN_STEP, dashboard_workspaces_for_member: BEFORE_BUCKETS.dashboard_workspaces_for_member as RpcAnswer });
    const { status, body } = await request('GET /api/dashboard/workspaces');
    expect(status).toBe(503);
    expect(body).toEqual({ error: 'The database answered in an unexpected format.' });
  });

  it('a missing function with the schema in step keeps the store\'s own 503', async () => {
    serverOn({ dashboard_schema_version: IN_STEP, dashboard_answer_context_for_member: currentContext('2025-01-02') });
    const { status, body } = await request('GET /api/dashboard/aggregate');
    expect(status).toBe(503);
    expect(body.error).toMatch(/schema is not up to date/);
    expect(loggedEvents()).toEqual(['database_unavailable']);
  });

  it('a database ahead that still serves this app (app >= compatible_since) keeps working', async () => {
    serverOn({
      dashboard_schema_version: schemaVersion('20260301000001', '20251201000000'),
      dashboard_answer_context_for_member: currentContext('2025-01-02'),
      dashboard_aggregate_for_member: { status: 200, body: { ...currentAggregate('acme', '2025-01-01'), added_later: [1, 2] } },
    });
    expect((await checkSchema())?.kind).toBe('ahead-compatible');
    const { status } = await callRoute(aggregate, '/api/dashboard/aggregate?workspace_id=acme&from=2025-01-01&to=2025-01-01', { headers: bearer(token) });
    expect(status).toBe(200);
  });

  it('a database ahead that no longer serves this app answers 503 naming both versions', async () => {
    serverOn({
      dashboard_schema_version: schemaVersion('20260301000001', '20260301000001'),
      dashboard_answer_context_for_member: currentContext('2025-01-02'),
      // The new shape: a renamed field.
      dashboard_aggregate_for_member: { status: 200, body: { ...currentAggregate('acme', '2025-01-01'), summary: undefined, totals: {} } },
    });
    const { status, headers, body } = await request('GET /api/dashboard/aggregate');
    expect(status).toBe(503);
    expect(headers.get('retry-after')).toMatch(/^\d+$/);
    expect(body.error).toBe('The database is ahead of this app: its schema is at migration 20260301000001 and serves apps from 20260301000001 on; '
      + `this app expects ${APP_SCHEMA_VERSION}. Deploy the app that matches the database, then retry.`);
    expect(body.schema).toMatchObject({ state: 'ahead', app_schema_version: APP_SCHEMA_VERSION, database_schema_version: '20260301000001' });
  });

  it('a database that cannot answer the check leaves the failure as it was', async () => {
    const postgrest = serverOn({ dashboard_schema_version: { status: 503, body: { message: 'upstream connect error' } } });
    postgrest.answer('dashboard_workspaces_for_member', BEFORE_BUCKETS.dashboard_workspaces_for_member as RpcAnswer);
    const { status, body } = await request('GET /api/dashboard/workspaces');
    expect(status).toBe(503);
    expect(body.error).toBe('The database answered in an unexpected format.');
  });
});

it('a database without the function, asked directly, is behind (missing function)', async () => {
  serverOn({ dashboard_schema_version: missingFunction('dashboard_schema_version') });
  expect(await checkSchema()).toMatchObject({ kind: 'behind', database: null, command: 'npx supabase db push' });
});
