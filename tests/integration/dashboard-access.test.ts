// Only members see a workspace: the dashboard routes called in-process against the real Postgres of
// the test run, with access tokens minted here (HS256 with a test secret; ES256 with a key published
// as a JWKS by a local HTTP server standing in for the Supabase project).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as aggregate } from '../../app/api/dashboard/aggregate/route';
import { GET as campaigns } from '../../app/api/dashboard/campaigns/route';
import { POST as refresh } from '../../app/api/dashboard/refresh/route';
import { GET as workspaces } from '../../app/api/dashboard/workspaces/route';
import { sessionCookies } from '../../lib/auth/session';
import {
  campaignsResponseSchema, dashboardResponseSchema, workspacesResponseSchema, type CampaignsResponse, type DashboardResponse, type WorkspacesResponse,
} from '../../lib/dashboard/response';
import {
  addMember, bearer, es256Key, es256Token, hs256Token, openMode, requireSignIn, serveJwks, TEST_ANON_KEY, TEST_JWT_SECRET,
  type FakeSupabaseAuth, type SigningKey,
} from '../support/auth';
import { connect, insertEvents, insertLlmUsage, refreshViewsNow, uniqueWorkspace } from '../support/db';
import { callRoute } from '../support/routes';

let client: pg.Client;
let key: SigningKey;
let project: FakeSupabaseAuth;
const wsA = uniqueWorkspace('acc-a');
const wsB = uniqueWorkspace('acc-b');
const wsOther = uniqueWorkspace('acc-other');
const viewer = randomUUID();
const admin = randomUUID();
const outsider = randomUUID();
const range = { from: '2025-04-01', to: '2025-04-03' };
const url = (params: Record<string, string>) => `/api/dashboard/aggregate?${new URLSearchParams({ ...range, ...params })}`;

beforeAll(async () => {
  client = await connect();
  for (const ws of [wsA, wsB, wsOther]) {
    await insertEvents(client, [
      { workspace_id: ws, campaign_name: 'Launch', contact_email: 'a@x', event_type: 'sent', email_number: 1, event_ts: '2025-04-01T09:00:00Z' },
      { workspace_id: ws, campaign_name: 'Launch', contact_email: 'a@x', event_type: 'replied', email_number: 1, event_ts: '2025-04-02T09:00:00Z' },
      { workspace_id: ws, campaign_name: 'Launch', contact_email: 'b@x', event_type: 'sent', email_number: 2, event_ts: '2025-04-03T23:59:59Z' },
    ]);
    await insertLlmUsage(client, [{ workspace_id: ws, campaign_name: 'Launch', cost_usd: '0.5', created_at: '2025-04-02T10:00:00Z' }]);
  }
  await refreshViewsNow(client);
  await addMember(client, wsA, viewer, 'viewer');
  await addMember(client, wsA, admin, 'admin');
  await addMember(client, wsB, admin, 'admin');
  key = await es256Key();
  project = await serveJwks([key.publicJwk]);
});

afterAll(async () => {
  openMode();
  await project?.close();
  await client?.end();
});

/** The answer without what moves between two calls (freshness ages count seconds). */
const stable = (body: DashboardResponse) => ({ ...body, freshness: body.freshness.map(({ age_seconds: _, ...rest }) => rest) });

describe('dashboard access with HS256 tokens (SUPABASE_JWT_SECRET)', () => {
  beforeAll(() => requireSignIn({ jwtSecret: TEST_JWT_SECRET }));

  it('answers 401 without a token, and with a forged, expired or wrong-audience one', async () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['none', {}],
      ['forged', bearer(await hs256Token({ sub: viewer, secret: 'x'.repeat(64) }))],
      ['expired', bearer(await hs256Token({ sub: viewer, expiresIn: -120 }))],
      ['wrong audience', bearer(await hs256Token({ sub: viewer, aud: 'anon' }))],
      ['not a JWT', bearer('not-a-token')],
      ['no Bearer scheme', { authorization: await hs256Token({ sub: viewer }) }],
      ['unsigned', bearer(`${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: viewer, aud: 'authenticated', exp: 9e9 })).toString('base64url')}.`)],
    ];
    for (const [name, headers] of cases) {
      for (const [route, path] of [[aggregate, url({ workspace_id: wsA })], [workspaces, '/api/dashboard/workspaces']] as const) {
        const { status, body, headers: answer } = await callRoute<{ error: string }>(route, path, { headers });
        expect({ name, path, status }).toEqual({ name, path, status: 401 });
        expect(answer.get('www-authenticate')).toMatch(/^Bearer/);
        expect(JSON.stringify(body)).not.toContain(wsA);
      }
    }
  });

  it('answers a member 200 with exactly the numbers of the open dashboard (source=mv)', async () => {
    const member = await callRoute<DashboardResponse>(aggregate, url({ workspace_id: wsA }), { headers: bearer(await hs256Token({ sub: viewer })) });
    expect(member.status).toBe(200);
    dashboardResponseSchema.parse(member.body);
    expect(member.body.summary).toMatchObject({ sends: 2, replies: 1, unique_contacts: 2, total_cost_usd: 0.5 });
    openMode();
    try {
      const before = await callRoute<DashboardResponse>(aggregate, url({ workspace_id: wsA }));
      expect(before.status).toBe(200);
      expect(stable(member.body)).toEqual(stable(before.body));
      expect(member.headers.get('etag')).toBe(before.headers.get('etag'));
    } finally {
      requireSignIn({ jwtSecret: TEST_JWT_SECRET });
    }
  });

  it('answers the same 404 for a workspace the caller is not a member of and for one that does not exist', async () => {
    const headers = bearer(await hs256Token({ sub: outsider }));
    const notMember = await callRoute<{ error: string }>(aggregate, url({ workspace_id: wsA }), { headers });
    const missing = await callRoute<{ error: string }>(aggregate, url({ workspace_id: uniqueWorkspace('nowhere') }), { headers });
    expect(notMember.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(notMember.body).toEqual(missing.body);
    // A member of one workspace is an outsider to the next one.
    const viewerElsewhere = await callRoute(aggregate, url({ workspace_id: wsB }), { headers: bearer(await hs256Token({ sub: viewer })) });
    expect(viewerElsewhere.status).toBe(404);
    expect(viewerElsewhere.body).toEqual(missing.body);
  });

  it('does not let an ETag of another member skip the membership check', async () => {
    const member = await callRoute(aggregate, url({ workspace_id: wsA }), { headers: bearer(await hs256Token({ sub: admin })) });
    const etag = member.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"a-/);
    const again = await callRoute(aggregate, url({ workspace_id: wsA }), { headers: { ...bearer(await hs256Token({ sub: admin })), 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const outsiderWithTag = await callRoute(aggregate, url({ workspace_id: wsA }), { headers: { ...bearer(await hs256Token({ sub: outsider })), 'if-none-match': etag } });
    expect(outsiderWithTag.status).toBe(404);
  });

  it('gives a viewer live answers that revalidate with 304 until a write to the workspace commits', async () => {
    const headers = async (etag?: string) => ({ ...bearer(await hs256Token({ sub: viewer })), ...(etag ? { 'if-none-match': etag } : {}) });
    const live = await callRoute<DashboardResponse>(aggregate, url({ workspace_id: wsA, source: 'live' }), { headers: await headers() });
    expect(live.status).toBe(200);
    expect(live.body.source).toBe('live');
    const etag = live.headers.get('etag') ?? '';
    expect((await callRoute(aggregate, url({ workspace_id: wsA, source: 'live' }), { headers: await headers(etag) })).status).toBe(304);
    await insertEvents(client, [{ workspace_id: wsA, campaign_name: 'Launch', contact_email: 'c@x', event_type: 'sent', event_ts: '2025-04-03T10:00:00Z' }]);
    const moved = await callRoute<DashboardResponse>(aggregate, url({ workspace_id: wsA, source: 'live' }), { headers: await headers(etag) });
    expect(moved.status).toBe(200);
    expect(moved.body.summary.sends).toBe(live.body.summary.sends + 1);
    await client.query(`delete from email_events where workspace_id = $1 and contact_email = 'c@x'`, [wsA]);
    await refreshViewsNow(client);
  });

  it('answers 403 to source=raw for a viewer, and the raw numbers to an admin', async () => {
    const asViewer = await callRoute<{ error: string }>(aggregate, url({ workspace_id: wsA, source: 'raw' }), { headers: bearer(await hs256Token({ sub: viewer })) });
    expect(asViewer.status).toBe(403);
    expect(asViewer.body.error).toMatch(/admin/);
    const asAdmin = await callRoute<DashboardResponse>(aggregate, url({ workspace_id: wsA, source: 'raw' }), { headers: bearer(await hs256Token({ sub: admin })) });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.source).toBe('raw');
    expect(asAdmin.body.summary).toMatchObject({ sends: 2, replies: 1, total_cost_usd: 0.5 });
  });

  it('GET /api/dashboard/campaigns follows the same rules: 401 signed out, 200 for a member, the same 404 for a non-member and a missing workspace, 403 raw for a viewer', async () => {
    const at = (params: Record<string, string>) => `/api/dashboard/campaigns?${new URLSearchParams({ ...range, ...params })}`;
    const signedOut = await callRoute(campaigns, at({ workspace_id: wsA }));
    expect(signedOut.status).toBe(401);
    expect(signedOut.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await callRoute(campaigns, at({ workspace_id: wsA }), { headers: bearer(await hs256Token({ sub: viewer, expiresIn: -120 })) })).status).toBe(401);

    const member = await callRoute<CampaignsResponse>(campaigns, at({ workspace_id: wsA }), { headers: bearer(await hs256Token({ sub: viewer })) });
    expect(member.status).toBe(200);
    campaignsResponseSchema.parse(member.body);
    expect(member.body.campaigns.map((c) => [c.campaign_name, c.sends, c.replies, c.unique_contacts, c.total_cost_usd, c.cost_per_reply]))
      .toEqual([['Launch', 2, 1, 2, 0.5, 0.5]]);
    const etag = member.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"a-/);
    const again = await callRoute(campaigns, at({ workspace_id: wsA }), { headers: { ...bearer(await hs256Token({ sub: viewer })), 'if-none-match': etag } });
    expect(again.status).toBe(304);
    // The aggregate's tag for the same query is not the table's.
    const aggregateTag = (await callRoute(aggregate, url({ workspace_id: wsA }), { headers: bearer(await hs256Token({ sub: viewer })) })).headers.get('etag');
    expect(aggregateTag).not.toBe(etag);

    const outsiderHeaders = bearer(await hs256Token({ sub: outsider }));
    const notMember = await callRoute(campaigns, at({ workspace_id: wsA }), { headers: { ...outsiderHeaders, 'if-none-match': etag } });
    const missing = await callRoute(campaigns, at({ workspace_id: uniqueWorkspace('nowhere') }), { headers: outsiderHeaders });
    expect([notMember.status, missing.status]).toEqual([404, 404]);
    expect(notMember.body).toEqual(missing.body);

    const rawAsViewer = await callRoute<{ error: string }>(campaigns, at({ workspace_id: wsA, source: 'raw' }), { headers: bearer(await hs256Token({ sub: viewer })) });
    expect(rawAsViewer.status).toBe(403);
    const rawAsAdmin = await callRoute<CampaignsResponse>(campaigns, at({ workspace_id: wsA, source: 'raw' }), { headers: bearer(await hs256Token({ sub: admin })) });
    expect(rawAsAdmin.status).toBe(200);
    expect({ ...rawAsAdmin.body, source: 'mv', freshness: [] }).toEqual({ ...member.body, freshness: [] });
    expect(rawAsAdmin.headers.get('etag')).toBeNull();
  });

  it('lists only the caller\'s workspaces, each with the caller\'s role', async () => {
    const asAdmin = await callRoute<WorkspacesResponse>(workspaces, '/api/dashboard/workspaces', { headers: bearer(await hs256Token({ sub: admin })) });
    expect(asAdmin.status).toBe(200);
    workspacesResponseSchema.parse(asAdmin.body);
    expect(asAdmin.body.workspaces.map((w) => [w.workspace_id, w.role])).toEqual([[wsA, 'admin'], [wsB, 'admin']].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
    expect(asAdmin.body.workspaces[0]?.campaigns.map((c) => c.campaign_name)).toEqual(['Launch']);
    const asViewer = await callRoute<WorkspacesResponse>(workspaces, '/api/dashboard/workspaces', { headers: bearer(await hs256Token({ sub: viewer })) });
    expect(asViewer.body.workspaces.map((w) => [w.workspace_id, w.role])).toEqual([[wsA, 'viewer']]);
    const asOutsider = await callRoute<WorkspacesResponse>(workspaces, '/api/dashboard/workspaces', { headers: bearer(await hs256Token({ sub: outsider })) });
    expect(asOutsider.status).toBe(200);
    expect(asOutsider.body.workspaces).toEqual([]);
    // Different users, different lists: the content ETag differs too.
    expect(asViewer.headers.get('etag')).not.toBe(asAdmin.headers.get('etag'));
  });

  it('lists a workspace the caller joined before it has data, without days', async () => {
    const fresh = uniqueWorkspace('acc-empty');
    const user = randomUUID();
    await addMember(client, fresh, user, 'viewer');
    const { body } = await callRoute<WorkspacesResponse>(workspaces, '/api/dashboard/workspaces', { headers: bearer(await hs256Token({ sub: user })) });
    expect(body.workspaces).toEqual([{ workspace_id: fresh, first_day: null, last_day: null, campaigns: [], time_zone: 'UTC', role: 'viewer' }]);
  });

  it('refuses a token whose sub is not a user id', async () => {
    const { status } = await callRoute(aggregate, url({ workspace_id: wsA }), { headers: bearer(await hs256Token({ sub: 'service' })) });
    expect(status).toBe(401);
  });
});

describe('dashboard access with ES256 tokens (the project\'s JWKS, served locally)', () => {
  beforeAll(() => requireSignIn({ supabaseUrl: project.url, anonKey: TEST_ANON_KEY }));

  it('accepts a member\'s token signed with a published key, fetching the key set once', async () => {
    const before = project.jwksFetches();
    for (let i = 0; i < 3; i++) {
      const { status, body } = await callRoute<DashboardResponse>(aggregate, url({ workspace_id: wsA }), { headers: bearer(await es256Token(key, { sub: viewer })) });
      expect(status).toBe(200);
      expect(body.summary.sends).toBe(2);
    }
    expect(project.jwksFetches() - before).toBeLessThanOrEqual(1);
  });

  it('answers 401 to a token signed with a key the project does not publish, expired, or for another audience', async () => {
    const stranger = await es256Key();
    for (const token of [
      await es256Token(stranger, { sub: viewer }),
      await es256Token({ ...stranger, kid: key.kid }, { sub: viewer }),
      await es256Token(key, { sub: viewer, expiresIn: -60 }),
      await es256Token(key, { sub: viewer, aud: 'anon' }),
      // HS256 is not accepted when no shared secret is configured.
      await hs256Token({ sub: viewer }),
    ]) {
      const { status } = await callRoute(aggregate, url({ workspace_id: wsA }), { headers: bearer(token) });
      expect(status).toBe(401);
    }
  });

  it('answers 401 to a token another project issued (iss), even signed with a key this project publishes', async () => {
    for (const iss of ['https://other-project.supabase.co/auth/v1', `${project.url}/auth/v2`, null]) {
      const { status } = await callRoute(aggregate, url({ workspace_id: wsA }), { headers: bearer(await es256Token(key, { sub: viewer, iss })) });
      expect(status, String(iss)).toBe(401);
    }
  });

  it('checks iss on legacy HS256 tokens too when the project is known (SUPABASE_URL beside SUPABASE_JWT_SECRET)', async () => {
    requireSignIn({ supabaseUrl: project.url, jwtSecret: TEST_JWT_SECRET, anonKey: TEST_ANON_KEY });
    try {
      const right = await callRoute(aggregate, url({ workspace_id: wsA }), { headers: bearer(await hs256Token({ sub: viewer })) });
      expect(right.status).toBe(200);
      const other = await callRoute(aggregate, url({ workspace_id: wsA }), { headers: bearer(await hs256Token({ sub: viewer, iss: 'https://other-project.supabase.co/auth/v1' })) });
      expect(other.status).toBe(401);
    } finally {
      requireSignIn({ supabaseUrl: project.url, anonKey: TEST_ANON_KEY });
    }
  });

  it('with DASHBOARD_REQUIRE_AAL2=1, refuses a token without MFA (aal1) with a clear 401, and accepts aal2', async () => {
    process.env.DASHBOARD_REQUIRE_AAL2 = '1';
    requireSignIn({ supabaseUrl: project.url, anonKey: TEST_ANON_KEY });
    try {
      for (const aal of ['aal1', undefined] as const) {
        const { status, headers, body } = await callRoute<{ error: string }>(aggregate, url({ workspace_id: wsA }), { headers: bearer(await es256Token(key, { sub: viewer, aal })) });
        expect(status, String(aal)).toBe(401);
        expect(body.error).toMatch(/multi-factor/i);
        expect(headers.get('www-authenticate')).toMatch(/insufficient_user_authentication/);
      }
      const mfa = await callRoute(aggregate, url({ workspace_id: wsA }), { headers: bearer(await es256Token(key, { sub: viewer, aal: 'aal2' })) });
      expect(mfa.status).toBe(200);
    } finally {
      delete process.env.DASHBOARD_REQUIRE_AAL2;
      requireSignIn({ supabaseUrl: project.url, anonKey: TEST_ANON_KEY });
    }
  });

  it('reads the Supabase Auth cookie session (@supabase/ssr format) when there is no Authorization header', async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const token = await es256Token(key, { sub: viewer });
    const cookie = sessionCookies(project.url, token, exp, { id: viewer, email: 'viewer@example.com' })
      .map(({ name, value }) => `${name}=${encodeURIComponent(value)}`).join('; ');
    const { status, body } = await callRoute<DashboardResponse>(aggregate, url({ workspace_id: wsA }), { headers: { cookie } });
    expect(status).toBe(200);
    expect(body.workspace_id).toBe(wsA);
    const forged = sessionCookies(project.url, await es256Token(await es256Key(), { sub: viewer }), exp, { id: viewer, email: 'v@x' })
      .map(({ name, value }) => `${name}=${encodeURIComponent(value)}`).join('; ');
    expect((await callRoute(aggregate, url({ workspace_id: wsA }), { headers: { cookie: forged } })).status).toBe(401);
  });

  it('answers 503, not 401, when the signing keys cannot be fetched', async () => {
    const down = await serveJwks([]);
    await down.close();
    requireSignIn({ supabaseUrl: down.url, anonKey: TEST_ANON_KEY });
    try {
      const { status, headers } = await callRoute(aggregate, url({ workspace_id: wsA }), { headers: bearer(await es256Token(key, { sub: viewer })) });
      expect(status).toBe(503);
      expect(headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      requireSignIn({ supabaseUrl: project.url, anonKey: TEST_ANON_KEY });
    }
  });
});

describe('POST /api/dashboard/refresh ("Refresh now" on the page)', () => {
  beforeAll(() => requireSignIn({ jwtSecret: TEST_JWT_SECRET }));
  const refreshUrl = (ws: string) => `/api/dashboard/refresh?${new URLSearchParams({ workspace_id: ws })}`;

  it('refreshes the views for an admin of the workspace', async () => {
    const before = (await client.query('select coalesce(max(id), 0)::int as id from public.dashboard_view_refreshes')).rows[0].id as number;
    let answer;
    // Another test file's refresh may hold the lock: 409 means try again.
    for (let attempt = 0; attempt < 100; attempt++) {
      answer = await callRoute<{ status: string; views: unknown[] }>(refresh, refreshUrl(wsA), { method: 'POST', headers: bearer(await hs256Token({ sub: admin })) });
      if (answer.status !== 409) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(answer?.status).toBe(200);
    expect(answer?.body.status).toBe('refreshed');
    const after = (await client.query('select max(id)::int as id from public.dashboard_view_refreshes')).rows[0].id as number;
    expect(after).toBeGreaterThan(before);
  });

  it('answers an admin with the figures of their own workspace only, never the refresh\'s global counts', async () => {
    // Another tenant's writes, waiting for the refresh this admin runs.
    await insertEvents(client, [{ workspace_id: wsOther, campaign_name: 'Launch', contact_email: 'z@x', event_type: 'sent', event_ts: '2025-04-02T11:00:00Z' }]);
    let answer;
    for (let attempt = 0; attempt < 100; attempt++) {
      answer = await callRoute<Record<string, unknown> & { freshness: Array<Record<string, unknown>> }>(refresh, refreshUrl(wsA), { method: 'POST', headers: bearer(await hs256Token({ sub: admin })) });
      if (answer.status !== 409) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(answer?.status).toBe(200);
    expect(Object.keys(answer?.body ?? {}).sort()).toEqual(['current_as_of', 'duration_ms', 'freshness', 'full', 'status', 'workspace_id']);
    expect(answer?.body.workspace_id).toBe(wsA);
    const own = await client.query('select view_name, pending_buckets from public.dashboard_view_freshness($1)', [wsA]);
    expect(answer?.body.freshness.map((f) => ({ view_name: f.view_name, pending_buckets: f.pending_buckets }))).toEqual(own.rows);
  });

  it('refuses a viewer (403), a non-member (404, as for a missing workspace) and a signed-out caller (401)', async () => {
    const post = async (ws: string, headers: Record<string, string>) => (await callRoute(refresh, refreshUrl(ws), { method: 'POST', headers })).status;
    expect(await post(wsA, bearer(await hs256Token({ sub: viewer })))).toBe(403);
    expect(await post(wsA, bearer(await hs256Token({ sub: outsider })))).toBe(404);
    expect(await post(uniqueWorkspace('nowhere'), bearer(await hs256Token({ sub: outsider })))).toBe(404);
    expect(await post(wsA, {})).toBe(401);
    expect(await post(wsA, bearer(await hs256Token({ sub: admin, expiresIn: -5 })))).toBe(401);
  });

  it('names a missing or unknown parameter (400)', async () => {
    const headers = bearer(await hs256Token({ sub: admin }));
    const missing = await callRoute<{ issues: Array<{ parameter: string }> }>(refresh, '/api/dashboard/refresh', { method: 'POST', headers });
    expect(missing.status).toBe(400);
    expect(missing.body.issues[0]?.parameter).toBe('workspace_id');
    const unknown = await callRoute<{ issues: Array<{ parameter: string }> }>(refresh, `${refreshUrl(wsA)}&force=1`, { method: 'POST', headers });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues[0]?.parameter).toBe('force');
  });

  it('gives up with 503 when the membership check waits past its statement_timeout (hoisted by the store)', async () => {
    const blocker = await connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table public.workspace_members in access exclusive mode');
      const started = Date.now();
      const { status, body } = await callRoute<{ error: string }>(refresh, refreshUrl(wsA), { method: 'POST', headers: bearer(await hs256Token({ sub: admin })) });
      expect(status).toBe(503);
      expect(body.error).toMatch(/took too long/);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await blocker.query('rollback');
      await blocker.end();
    }
  });
});
