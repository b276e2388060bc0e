// Cross-site request forgery: every state-changing route that accepts the session cookie refuses a
// request another site (a sibling subdomain too) makes the browser send, judged by Origin and
// Sec-Fetch-Site; Bearer-token callers and the cron, which carry no ambient credentials, are not
// affected. Supabase Auth (GoTrue, which cannot run here) is faked at its HTTP edge.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as refreshViews } from '../../app/api/admin/refresh-views/route';
import { POST as refresh } from '../../app/api/dashboard/refresh/route';
import { PUT as putTimeZone } from '../../app/api/dashboard/time-zone/route';
import { POST as magicLink } from '../../app/auth/magic-link/route';
import { POST as signIn } from '../../app/auth/sign-in/route';
import { POST as signOut } from '../../app/auth/sign-out/route';
import { resetEnvCache } from '../../lib/env';
import { addMember, bearer, openMode, requireSignIn, TEST_ANON_KEY, TEST_SITE_URL } from '../support/auth';
import { connect, insertEvents, uniqueWorkspace } from '../support/db';
import { mintEs256, startFakeSupabaseAuth, type FakeAuthServer, type FakeUser } from '../support/fake-supabase-auth';
import { sessionCookies } from '../../lib/auth/session';

let client: pg.Client;
let gotrue: FakeAuthServer;
const ws = uniqueWorkspace('csrf');
const admin: FakeUser = { id: randomUUID(), email: 'csrf-admin@example.com', password: 'correct horse battery staple' };
const REFRESH_TOKEN = 'c'.repeat(64);

beforeAll(async () => {
  client = await connect();
  await insertEvents(client, [{ workspace_id: ws, event_type: 'sent', event_ts: '2025-05-01T10:00:00Z' }]);
  await addMember(client, ws, admin.id, 'admin');
  gotrue = await startFakeSupabaseAuth([admin]);
  requireSignIn({ supabaseUrl: gotrue.url, anonKey: TEST_ANON_KEY });
  process.env.MATERIALIZED_VIEWS_REFRESH_TOKEN = REFRESH_TOKEN;
  resetEnvCache();
});

afterAll(async () => {
  delete process.env.MATERIALIZED_VIEWS_REFRESH_TOKEN;
  openMode();
  await gotrue?.close();
  await client?.end();
});

/** The admin's session cookie, as the browser holds it after signing in. */
async function sessionCookie(): Promise<string> {
  const { token, expiresAt } = await mintEs256(gotrue.privateJwk, admin, { issuer: `${gotrue.url}/auth/v1` });
  return sessionCookies(gotrue.url, token, expiresAt, admin).map(({ name, value }) => `${name}=${value}`).join('; ');
}

const zoneOf = async () => (await client.query('select time_zone from public.workspace_settings where workspace_id = $1', [ws])).rows[0]?.time_zone as string | undefined;

/** PUT /api/dashboard/time-zone as the page sends it, with the admin's cookie and these headers. */
async function putZone(timeZone: string, headers: Record<string, string>): Promise<Response> {
  return putTimeZone(new Request(`${TEST_SITE_URL}/api/dashboard/time-zone?workspace_id=${ws}`, {
    method: 'PUT', body: JSON.stringify({ time_zone: timeZone }), headers: { 'content-type': 'application/json', cookie: await sessionCookie(), ...headers },
  }));
}

const lastRefreshId = async () => (await client.query('select coalesce(max(id), 0)::int as id from public.dashboard_view_refreshes')).rows[0].id as number;

/** What a page elsewhere makes the browser send: the cookie rides along, Origin names the page. */
const CROSS_SITE: Array<[string, Record<string, string>]> = [
  ['another site', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }],
  ['a sibling subdomain', { origin: 'https://evil.dashboard.test', 'sec-fetch-site': 'same-site' }],
  ['the same host over http', { origin: 'http://dashboard.test' }],
  ['a sandboxed frame (Origin: null)', { origin: 'null' }],
  ['a browser that sends only Sec-Fetch-Site', { 'sec-fetch-site': 'same-site' }],
];

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

describe('cross-site POSTs with the session cookie are refused (403), before anything happens', () => {
  it.each(CROSS_SITE)('POST /api/dashboard/refresh from %s: no refresh runs', async (_, headers) => {
    const before = await lastRefreshId();
    const response = await refresh(new Request(`${TEST_SITE_URL}/api/dashboard/refresh?workspace_id=${ws}`, { method: 'POST', headers: { cookie: await sessionCookie(), ...headers } }));
    expect(response.status).toBe(403);
    expect((await response.json()).error).toMatch(/cross-site/i);
    expect(await lastRefreshId()).toBe(before);
  });

  it.each(CROSS_SITE)('PUT /api/dashboard/time-zone from %s: the zone stays', async (_, headers) => {
    const before = await zoneOf();
    const response = await putZone('Pacific/Chatham', headers);
    expect(response.status).toBe(403);
    expect((await response.json()).error).toMatch(/cross-site/i);
    expect(await zoneOf()).toBe(before);
  });

  it.each(CROSS_SITE)('POST /auth/sign-in from %s (login CSRF): Supabase Auth is not called, no session is set', async (_, headers) => {
    const before = gotrue.requests().length;
    const response = await signIn(new Request(`${TEST_SITE_URL}/auth/sign-in`, {
      method: 'POST', body: form({ email: admin.email, password: admin.password }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    }));
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(gotrue.requests()).toHaveLength(before);
  });

  it.each(CROSS_SITE)('POST /auth/magic-link from %s: no email is asked for', async (_, headers) => {
    const before = gotrue.otpRequests().length;
    const response = await magicLink(new Request(`${TEST_SITE_URL}/auth/magic-link`, {
      method: 'POST', body: form({ email: admin.email }), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    }));
    expect(response.status).toBe(403);
    expect(gotrue.otpRequests()).toHaveLength(before);
  });

  it.each(CROSS_SITE)('POST /auth/sign-out from %s: the session stays', async (_, headers) => {
    const response = await signOut(new Request(`${TEST_SITE_URL}/auth/sign-out`, { method: 'POST', headers: { cookie: await sessionCookie(), ...headers } }));
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});

describe('requests the site itself makes, and callers without cookies, are unaffected', () => {
  it('the page\'s own POSTs (same origin) go through', async () => {
    const sameOrigin = { origin: TEST_SITE_URL, 'sec-fetch-site': 'same-origin' };
    const signedIn = await signIn(new Request(`${TEST_SITE_URL}/auth/sign-in`, {
      method: 'POST', body: form({ email: admin.email, password: admin.password }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.90', ...sameOrigin },
    }));
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/');
    const refreshed = await refresh(new Request(`${TEST_SITE_URL}/api/dashboard/refresh?workspace_id=${ws}`, { method: 'POST', headers: { cookie: await sessionCookie(), ...sameOrigin } }));
    expect([200, 409]).toContain(refreshed.status);
    const zoned = await putZone('Asia/Kathmandu', sameOrigin);
    expect(zoned.status).toBe(200);
    expect(await zoned.json()).toMatchObject({ workspace_id: ws, time_zone: 'Asia/Kathmandu' });
    expect(await zoneOf()).toBe('Asia/Kathmandu');
    const signedOut = await signOut(new Request(`${TEST_SITE_URL}/auth/sign-out`, { method: 'POST', headers: { cookie: await sessionCookie(), ...sameOrigin } }));
    expect(signedOut.status).toBe(303);
  });

  it('a Bearer-token caller is not judged by Origin (no ambient credentials to forge)', async () => {
    const { token } = await mintEs256(gotrue.privateJwk, admin, { issuer: `${gotrue.url}/auth/v1` });
    const response = await refresh(new Request(`${TEST_SITE_URL}/api/dashboard/refresh?workspace_id=${ws}`, {
      method: 'POST', headers: { ...bearer(token), origin: 'https://tool.example', 'sec-fetch-site': 'cross-site' },
    }));
    expect([200, 409]).toContain(response.status);
    const zoned = await putTimeZone(new Request(`${TEST_SITE_URL}/api/dashboard/time-zone?workspace_id=${ws}`, {
      method: 'PUT', body: JSON.stringify({ time_zone: 'Asia/Kolkata' }),
      headers: { ...bearer(token), 'content-type': 'application/json', origin: 'https://tool.example', 'sec-fetch-site': 'cross-site' },
    }));
    expect(zoned.status).toBe(200);
    expect(await zoneOf()).toBe('Asia/Kolkata');
  });

  it('the operator\'s refresh with x-refresh-token is not judged by Origin', async () => {
    const response = await refreshViews(new Request(`${TEST_SITE_URL}/api/admin/refresh-views`, {
      method: 'POST', headers: { 'x-refresh-token': REFRESH_TOKEN, origin: 'https://ops.example', 'sec-fetch-site': 'cross-site' },
    }));
    expect([200, 409]).toContain(response.status);
  });
});
