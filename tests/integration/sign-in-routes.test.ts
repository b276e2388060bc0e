// The /auth/* routes in-process, with Supabase Auth (GoTrue, which cannot run here) faked at its
// HTTP edge: what the login page's forms do, and that the session they leave opens the dashboard.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as aggregate } from '../../app/api/dashboard/aggregate/route';
import { GET as confirm } from '../../app/auth/confirm/route';
import { GET as devSignIn } from '../../app/auth/dev-sign-in/route';
import { POST as magicLink } from '../../app/auth/magic-link/route';
import { POST as signIn } from '../../app/auth/sign-in/route';
import { POST as signOut } from '../../app/auth/sign-out/route';
import { resetEnvCache } from '../../lib/env';
import { addMember, openMode, requireSignIn, TEST_ANON_KEY, TEST_JWT_SECRET, TEST_SITE_URL } from '../support/auth';
import { connect, insertEvents, refreshViewsNow, uniqueWorkspace } from '../support/db';
import { fakeTokenHash, startFakeSupabaseAuth, type FakeAuthServer, type FakeUser } from '../support/fake-supabase-auth';

let client: pg.Client;
let gotrue: FakeAuthServer;
const ws = uniqueWorkspace('signin');
const user: FakeUser = { id: randomUUID(), email: 'signin@example.com', password: 'correct horse battery staple' };

beforeAll(async () => {
  client = await connect();
  await insertEvents(client, [{ workspace_id: ws, event_type: 'sent', event_ts: '2025-05-01T10:00:00Z' }]);
  await refreshViewsNow(client);
  await addMember(client, ws, user.id, 'viewer');
  gotrue = await startFakeSupabaseAuth([user]);
  requireSignIn({ supabaseUrl: gotrue.url, anonKey: TEST_ANON_KEY });
});

afterAll(async () => {
  openMode();
  await gotrue?.close();
  await client?.end();
});

const form = (fields: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: TEST_SITE_URL } });
const post = (handler: (request: Request) => Promise<Response>, path: string, fields: Record<string, string>) =>
  handler(new Request(`http://localhost${path}`, form(fields)));

/** The cookies a browser would keep from a response (name=value; …), dropping deleted ones. */
function cookieHeader(response: Response, previous = ''): string {
  const jar = new Map(previous ? previous.split('; ').map((pair) => pair.split(/=(.*)/s).slice(0, 2) as [string, string]) : []);
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const [name = '', value = ''] = pair.split(/=(.*)/s);
    if (/max-age=0/i.test(line) || value === '') jar.delete(name);
    else jar.set(name, value);
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

const dashboard = (cookie: string) =>
  aggregate(new Request(`http://localhost/api/dashboard/aggregate?workspace_id=${ws}&from=2025-05-01&to=2025-05-01`, { headers: cookie ? { cookie } : {} }));

describe('/auth routes (Supabase Auth faked at its HTTP edge)', () => {
  it('signs in with email and password: a session cookie, a relative redirect to next, and the dashboard opens', async () => {
    const response = await post(signIn, '/auth/sign-in', { email: user.email, password: user.password, next: '/?workspace_id=x' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/?workspace_id=x');
    const setCookie = response.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/^sb-127-auth-token=base64-/);
    expect(setCookie).toMatch(/HttpOnly/i);
    // Outside development the session (a 400-day refresh token) never travels over plain http.
    expect(setCookie).toMatch(/; Secure/i);
    const cookie = cookieHeader(response);
    expect((await dashboard(cookie)).status).toBe(200);
    expect(gotrue.requests()).toContain('POST /auth/v1/token');
  });

  it('sends a wrong password back to /login with a message, and no session', async () => {
    const response = await post(signIn, '/auth/sign-in', { email: user.email, password: 'wrong' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?message=invalid-credentials');
    expect(response.headers.getSetCookie()).toEqual([]);
    const malformed = await post(signIn, '/auth/sign-in', { email: 'not-an-email', password: 'x' });
    expect(malformed.headers.get('location')).toBe('/login?message=invalid-email');
  });

  it('never redirects to another site after signing in', async () => {
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const response = await post(signIn, '/auth/sign-in', { email: user.email, password: user.password, next });
      expect(response.headers.get('location')).toBe('/');
    }
  });

  it('asks for a magic link that comes back to /auth/confirm on this site (SITE_URL), without creating users', async () => {
    const response = await post(magicLink, '/auth/magic-link', { email: user.email });
    expect(response.headers.get('location')).toBe('/login?message=link-sent');
    const request = gotrue.otpRequests().at(-1);
    expect(request?.body).toMatchObject({ email: user.email, create_user: false });
    expect(decodeURIComponent(request?.query ?? '')).toContain(`redirect_to=${TEST_SITE_URL}/auth/confirm`);
  });

  it('signs in from the emailed link (token_hash) and refuses an invalid one', async () => {
    const ok = await confirm(new Request(`http://localhost/auth/confirm?token_hash=${fakeTokenHash(user)}&type=email&next=/`));
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/');
    expect((await dashboard(cookieHeader(ok))).status).toBe(200);
    const bad = await confirm(new Request('http://localhost/auth/confirm?token_hash=nope&type=email'));
    expect(bad.headers.get('location')).toBe('/login?message=link-invalid');
    expect(bad.headers.getSetCookie()).toEqual([]);
  });

  it('signs out: the session cookies are cleared and the dashboard answers 401 again', async () => {
    const cookie = cookieHeader(await post(signIn, '/auth/sign-in', { email: user.email, password: user.password }));
    const response = await signOut(new Request('http://localhost/auth/sign-out', { ...form({}), headers: { ...form({}).headers, cookie } }));
    expect(response.headers.get('location')).toBe('/login?message=signed-out');
    expect(cookieHeader(response, cookie)).toBe('');
    expect(gotrue.requests()).toContain('POST /auth/v1/logout');
  });

  it('serves the dev sign-in only under `next dev` with the launcher\'s user (vitest runs as NODE_ENV=test)', async () => {
    const demo = randomUUID();
    await addMember(client, ws, demo, 'admin');
    requireSignIn({ jwtSecret: TEST_JWT_SECRET });
    process.env.DASHBOARD_DEV_SIGN_IN_USER = demo;
    resetEnvCache();
    const nodeEnv = process.env.NODE_ENV;
    try {
      const refused = await devSignIn(new Request('http://localhost/auth/dev-sign-in'));
      expect(refused.status).toBe(404);
      expect(refused.headers.getSetCookie()).toEqual([]);
      // What `npm run dev` runs: a development server.
      (process.env as Record<string, string | undefined>).NODE_ENV = 'development';
      const signedIn = await devSignIn(new Request('http://localhost/auth/dev-sign-in?next=/'));
      expect(signedIn.status).toBe(303);
      const cookie = cookieHeader(signedIn);
      expect(cookie).toMatch(/^sb-dev-sign-in-auth-token=/);
      expect((await dashboard(cookie)).status).toBe(200);
    } finally {
      (process.env as Record<string, string | undefined>).NODE_ENV = nodeEnv;
      delete process.env.DASHBOARD_DEV_SIGN_IN_USER;
      requireSignIn({ supabaseUrl: gotrue.url, anonKey: TEST_ANON_KEY });
    }
  });
});
