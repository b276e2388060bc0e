// Attacks on where a sign-in lands: `next` payloads that browsers turn into another site, and sign-in
// links built from a client's Origin or Host. Every path that takes `next` is tried (password,
// magic link, the emailed link, the dev sign-in); the login page is tried in Chromium
// (tests/e2e/security.test.ts). Supabase Auth (GoTrue, which cannot run here) is faked at its HTTP edge.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as confirm } from '../../app/auth/confirm/route';
import { GET as devSignIn } from '../../app/auth/dev-sign-in/route';
import { POST as magicLink } from '../../app/auth/magic-link/route';
import { POST as signIn } from '../../app/auth/sign-in/route';
import { resetEnvCache } from '../../lib/env';
import { addMember, openMode, requireSignIn, TEST_ANON_KEY, TEST_JWT_SECRET, TEST_SITE_URL } from '../support/auth';
import { connect, uniqueWorkspace } from '../support/db';
import { fakeTokenHash, startFakeSupabaseAuth, type FakeAuthServer, type FakeUser } from '../support/fake-supabase-auth';

/** Each of these, as `next`, must land the user on this site ('/'), never elsewhere. */
const PAYLOADS = [
  '/\t/evil.com', // browsers drop the tab: //evil.com
  '/\n/evil.com',
  '/\\evil.com', // browsers read a backslash as a slash: //evil.com
  '/\\\\evil.com',
  '//evil.com',
  '/%09/evil.com', // a tab once more decoded
  '/%5C%5Cevil.com',
  '/%2F/evil.com',
  'https://evil.com',
  'https:evil.com',
  ' //evil.com',
  '/auth/confirm?token_hash=attacker&type=email', // chains into the attacker's session
];

let client: pg.Client;
let gotrue: FakeAuthServer;
// One user per case: sign-in is throttled per email address too.
const makeUser = (): FakeUser => ({ id: randomUUID(), email: `redirects-${randomUUID()}@example.com`, password: 'correct horse battery staple' });
const caseUsers = new Map(PAYLOADS.map((next) => [next, makeUser()]));
const spareUser = makeUser();
const users = [...caseUsers.values(), spareUser];
const userFor = (next: string) => caseUsers.get(next) ?? spareUser;

beforeAll(async () => {
  client = await connect();
  for (const user of users) await addMember(client, uniqueWorkspace('redirects'), user.id, 'viewer');
  gotrue = await startFakeSupabaseAuth(users);
  requireSignIn({ supabaseUrl: gotrue.url, anonKey: TEST_ANON_KEY });
});

afterAll(async () => {
  openMode();
  await gotrue?.close();
  await client?.end();
});

/** A client address of its own for each request (sign-in is throttled per address). */
let clientNumber = 0;
const nextClient = () => `198.51.${Math.floor(++clientNumber / 250) % 250}.${clientNumber % 250}`;

/** A form post as the login page makes it (same origin). */
function formPost(handler: (request: Request) => Promise<Response>, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return handler(new Request(`${TEST_SITE_URL}${path}`, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: TEST_SITE_URL, 'x-forwarded-for': nextClient(), ...headers },
  }));
}
const newEmail = () => `link-${randomUUID()}@example.com`;

/** Where a browser goes with this Location, from a page of the site. */
const landsOn = (response: Response) => new URL(response.headers.get('location') ?? '', TEST_SITE_URL);

describe('`next` after signing in (Supabase Auth faked at its HTTP edge)', () => {
  it.each(PAYLOADS)('password sign-in with next=%j stays on the site, at /', async (next) => {
    const user = userFor(next);
    const response = await formPost(signIn, '/auth/sign-in', { email: user.email, password: user.password, next });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
  });

  it.each(PAYLOADS)('the emailed link (/auth/confirm) with next=%j stays on the site, at /', async (next) => {
    const response = await confirm(new Request(`${TEST_SITE_URL}/auth/confirm?${new URLSearchParams({ token_hash: fakeTokenHash(userFor(next)), type: 'email', next })}`,
      { headers: { 'x-forwarded-for': nextClient() } }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
  });

  it.each(PAYLOADS)('a magic link asked for with next=%j comes back to / only', async (next) => {
    const before = gotrue.otpRequests().length;
    expect((await formPost(magicLink, '/auth/magic-link', { email: newEmail(), next })).status).toBe(303);
    expect(gotrue.otpRequests()).toHaveLength(before + 1);
    const redirectTo = new URL(new URLSearchParams(gotrue.otpRequests().at(-1)?.query).get('redirect_to') ?? '');
    expect(redirectTo.origin + redirectTo.pathname).toBe(`${TEST_SITE_URL}/auth/confirm`);
    expect(redirectTo.searchParams.get('next')).toBe('/');
  });

  it('keeps a path of the site, with its query, and normalises it', async () => {
    const cases: Array<[string, string]> = [['/?workspace_id=acme&range=7d', '/?workspace_id=acme&range=7d'], ['/a/../?x=1', '/?x=1'], ['/login?message=x', '/login?message=x']];
    for (const [next, expected] of cases) {
      const user = userFor('');
      const response = await formPost(signIn, '/auth/sign-in', { email: user.email, password: user.password, next });
      expect(landsOn(response).origin).toBe(TEST_SITE_URL);
      expect(response.headers.get('location'), next).toBe(expected);
    }
  });

  it.each(PAYLOADS)('the dev sign-in (next dev only) with next=%j stays on the site, at /', async (next) => {
    requireSignIn({ jwtSecret: TEST_JWT_SECRET });
    process.env.DASHBOARD_DEV_SIGN_IN_USER = randomUUID();
    resetEnvCache();
    const nodeEnv = process.env.NODE_ENV;
    (process.env as Record<string, string | undefined>).NODE_ENV = 'development';
    try {
      const response = await devSignIn(new Request(`${TEST_SITE_URL}/auth/dev-sign-in?${new URLSearchParams({ next })}`));
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/');
    } finally {
      (process.env as Record<string, string | undefined>).NODE_ENV = nodeEnv;
      delete process.env.DASHBOARD_DEV_SIGN_IN_USER;
      requireSignIn({ supabaseUrl: gotrue.url, anonKey: TEST_ANON_KEY });
    }
  });
});

describe('sign-in links by email (Supabase Auth faked at its HTTP edge)', () => {
  it('come back to the configured site even when the request names another host (forged Host, no Origin)', async () => {
    const before = gotrue.otpRequests().length;
    const response = await magicLink(new Request('http://evil.example/auth/magic-link', {
      method: 'POST', body: new URLSearchParams({ email: newEmail() }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': nextClient() },
    }));
    expect(response.status).toBe(303);
    expect(gotrue.otpRequests()).toHaveLength(before + 1);
    const redirectTo = new URLSearchParams(gotrue.otpRequests().at(-1)?.query).get('redirect_to');
    expect(redirectTo).toBe(`${TEST_SITE_URL}/auth/confirm?next=%2F`);
  });

  it('are never asked for with a forged Origin: refused (403) before Supabase Auth is called', async () => {
    const before = gotrue.otpRequests().length;
    const response = await formPost(magicLink, '/auth/magic-link', { email: newEmail() }, { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(gotrue.otpRequests()).toHaveLength(before);
  });
});
