// Throttling of sign-in: one client flooding /auth/sign-in or /auth/magic-link gets 429 with
// Retry-After long before Supabase Auth's own per-IP limit (which sees only this server's address)
// locks everyone out; the same holds per email address. The state lives in Postgres (the table and
// function of supabase/migrations/20251224000001_sign_in_throttle.sql), so every serverless instance
// shares it. Supabase Auth (GoTrue, which cannot run here) is faked at its HTTP edge.
import { randomInt, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as magicLink } from '../../app/auth/magic-link/route';
import { POST as signIn } from '../../app/auth/sign-in/route';
import { setStoreForTests } from '../../lib/db';
import { createPostgresStore } from '../../lib/db/postgres';
import { openMode, requireSignIn, TEST_ANON_KEY, TEST_SITE_URL } from '../support/auth';
import { connect, databaseUrl } from '../support/db';
import { startFakeSupabaseAuth, type FakeAuthServer, type FakeUser } from '../support/fake-supabase-auth';

let client: pg.Client;
let gotrue: FakeAuthServer;
const user: FakeUser = { id: randomUUID(), email: `throttle-${randomUUID()}@example.com`, password: 'correct horse battery staple' };

beforeAll(async () => {
  client = await connect();
  gotrue = await startFakeSupabaseAuth([user]);
  requireSignIn({ supabaseUrl: gotrue.url, anonKey: TEST_ANON_KEY });
});

afterAll(async () => {
  openMode();
  await gotrue?.close();
  await client?.end();
});

/** A client address of its own for each test and run (a kept TEST_DATABASE_URL keeps counters for minutes). */
const newIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const newEmail = () => `someone-${randomUUID()}@example.com`;

function post(handler: (request: Request) => Promise<Response>, path: string, fields: Record<string, string>, headers: Record<string, string>) {
  return handler(new Request(`${TEST_SITE_URL}${path}`, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: TEST_SITE_URL, ...headers },
  }));
}

const passwordCalls = () => gotrue.requests().filter((line) => line === 'POST /auth/v1/token').length;

/** Sends them one after another, as fast as the server answers; the statuses in order. */
async function flood(count: number, send: (i: number) => Promise<Response>): Promise<Response[]> {
  const responses: Response[] = [];
  for (let i = 0; i < count; i++) responses.push(await send(i));
  return responses;
}

/** Let some through, then refuse every later one: how many got through. */
function expectCutOff(responses: Response[], allowedStatus: number): number {
  const through = responses.findIndex((response) => response.status !== allowedStatus);
  expect(through, 'some requests must be refused').toBeGreaterThan(0);
  expect(responses.slice(through).map((response) => response.status)).toEqual(Array(responses.length - through).fill(429));
  return through;
}

describe('POST /auth/sign-in throttling (Supabase Auth faked at its HTTP edge)', () => {
  it('50 rapid sign-ins from one IP: a few reach Supabase Auth, the rest get 429 with Retry-After', async () => {
    const ip = newIp();
    const before = passwordCalls();
    const responses = await flood(50, (i) => post(signIn, '/auth/sign-in', { email: newEmail(), password: `guess-${i}` }, { 'x-forwarded-for': ip }));
    const through = expectCutOff(responses, 303);
    expect(through).toBeGreaterThanOrEqual(5);
    expect(through).toBeLessThanOrEqual(20);
    expect(passwordCalls() - before).toBe(through);
    const refused = responses[through];
    const retryAfter = Number(refused?.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 900, String(retryAfter)).toBe(true);
    expect(refused?.headers.get('cache-control')).toContain('no-store');
  });

  it('does not lock out other clients while one floods, and a fresh server instance sees the same counts', async () => {
    const flooder = newIp();
    await flood(30, () => post(signIn, '/auth/sign-in', { email: newEmail(), password: 'x' }, { 'x-forwarded-for': flooder }));
    const other = await post(signIn, '/auth/sign-in', { email: user.email, password: user.password }, { 'x-forwarded-for': newIp() });
    expect(other.status).toBe(303);
    expect(other.headers.get('location')).toBe('/');
    // Another serverless instance: its own connection pool, no memory shared with this one.
    const fresh = createPostgresStore({ connectionString: databaseUrl() });
    setStoreForTests(fresh);
    try {
      const again = await post(signIn, '/auth/sign-in', { email: newEmail(), password: 'x' }, { 'x-forwarded-for': flooder });
      expect(again.status).toBe(429);
    } finally {
      setStoreForTests(createPostgresStore({ connectionString: databaseUrl() }));
      await fresh.close();
    }
  });

  it('throttles one email address tried from many IPs (password spraying across a botnet)', async () => {
    const email = newEmail();
    const responses = await flood(30, (i) => post(signIn, '/auth/sign-in', { email, password: `guess-${i}` }, { 'x-forwarded-for': newIp() }));
    const through = expectCutOff(responses, 303);
    expect(through).toBeLessThanOrEqual(10);
    // The address is compared case-insensitively, as Supabase Auth does.
    const shouted = await post(signIn, '/auth/sign-in', { email: email.toUpperCase(), password: 'x' }, { 'x-forwarded-for': newIp() });
    expect(shouted.status).toBe(429);
  });

  it('takes the client IP from the right end of X-Forwarded-For: addresses a client prepends do not reset its count', async () => {
    const ip = newIp();
    const responses = await flood(40, () => post(signIn, '/auth/sign-in', { email: newEmail(), password: 'x' }, { 'x-forwarded-for': `${newIp()}, ${ip}` }));
    expectCutOff(responses, 303);
  });

  it('answers a browser\'s form post with a page that says what happened, and an API client with JSON', async () => {
    const ip = newIp();
    await flood(25, () => post(signIn, '/auth/sign-in', { email: newEmail(), password: 'x' }, { 'x-forwarded-for': ip }));
    const browser = await post(signIn, '/auth/sign-in', { email: newEmail(), password: 'x' }, { 'x-forwarded-for': ip, accept: 'text/html,application/xhtml+xml' });
    expect(browser.status).toBe(429);
    expect(browser.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await browser.text();
    expect(page).toMatch(/Too many sign-in attempts/);
    expect(page).toMatch(/href="\/login"/);
    const api = await post(signIn, '/auth/sign-in', { email: newEmail(), password: 'x' }, { 'x-forwarded-for': ip, accept: 'application/json' });
    expect(api.status).toBe(429);
    const body = await api.json() as { error: string; retry_after_seconds: number };
    expect(body.error).toMatch(/Too many sign-in attempts/);
    expect(body.retry_after_seconds).toBe(Number(api.headers.get('retry-after')));
  });
});

describe('POST /auth/magic-link throttling (Supabase Auth faked at its HTTP edge)', () => {
  it('50 rapid link requests from one IP: a few emails are sent, the rest get 429 with Retry-After', async () => {
    const ip = newIp();
    const before = gotrue.otpRequests().length;
    const responses = await flood(50, () => post(magicLink, '/auth/magic-link', { email: newEmail() }, { 'x-forwarded-for': ip }));
    const through = expectCutOff(responses, 303);
    expect(through).toBeLessThanOrEqual(10);
    expect(gotrue.otpRequests().length - before).toBe(through);
    expect(Number(responses.at(-1)?.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('sends one address only a few links, whatever the IPs (no inbox flooding)', async () => {
    const email = newEmail();
    const responses = await flood(20, () => post(magicLink, '/auth/magic-link', { email }, { 'x-forwarded-for': newIp() }));
    expect(expectCutOff(responses, 303)).toBeLessThanOrEqual(5);
  });
});

describe('the throttle\'s table (sign_in_throttle)', () => {
  it('forgets expired counters: rows do not pile up', async () => {
    const stale = `ip:${newIp()}`;
    await client.query(
      `insert into public.sign_in_throttle (subject, action, window_start, attempts, expires_at)
       values ($1, 'password', now() - interval '2 hours', 7, now() - interval '1 hour')`, [stale]);
    // The last prune ran over a minute ago.
    await client.query(`update public.sign_in_throttle set window_start = now() - interval '2 minutes' where action = 'prune'`);
    await client.query(`select public.sign_in_attempt('password', $1, $2)`, [newIp(), newEmail()]);
    const { rows } = await client.query('select count(*)::int as n from public.sign_in_throttle where subject = $1', [stale]);
    expect(rows[0].n).toBe(0);
    const live = await client.query(`select count(*)::int as n from public.sign_in_throttle where expires_at <= now() and action <> 'prune'`);
    expect(live.rows[0].n).toBe(0);
  });

  it('keeps no email address in clear', async () => {
    const email = newEmail();
    await client.query(`select public.sign_in_attempt('magic-link', $1, $2)`, [newIp(), email]);
    const { rows } = await client.query(`select count(*)::int as n from public.sign_in_throttle where subject ilike '%' || $1 || '%'`, [email]);
    expect(rows[0].n).toBe(0);
  });

  it('refuses an unknown action with a clear error', async () => {
    await expect(client.query(`select public.sign_in_attempt('sign-up', '10.0.0.1', null)`)).rejects.toMatchObject({ code: '22023' });
  });
});
