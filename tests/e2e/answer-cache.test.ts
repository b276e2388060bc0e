// The answers cache over HTTP against `next start`, where Next.js's `use cache` keeps the answers
// (in-process, the same code computes every answer): repeated questions are answered from the cache,
// a refresh from anywhere changes the answer, and a kept answer never reaches anyone it is not for.
// Each response says how it was found in x-dashboard-cache (hit, miss, off, bypass). Answers, pages
// and scripts leave compressed when asked, once (Next.js's compression; next.config.js).
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { addDays } from '../../lib/dashboard/days';
import type { NextServer } from '../../scripts/lib/next-server';
import { addMember } from '../support/auth';
import { connect, insertEvents, refreshViewsNow, uniqueWorkspace, type EmailEventInput } from '../support/db';
import { mintEs256 } from '../support/fake-supabase-auth';
import { currentAggregate, currentBasis, IN_STEP, standInPostgrest, WORKSPACES_BASIS, type StandInPostgrest } from '../support/stand-in-postgrest';
import { nextStartOnStandIn } from '../support/stand-in-server';

const base = inject('baseUrl');

/** A signed-in caller of its own (a user the fake Supabase project signs for). */
async function newUser(): Promise<{ id: string; headers: Record<string, string> }> {
  const user = { id: randomUUID(), email: `cache-${randomUUID().slice(0, 8)}@example.com` };
  const { token } = await mintEs256(inject('signingJwk'), user, { issuer: `${inject('supabaseUrl')}/auth/v1` });
  return { id: user.id, headers: { authorization: `Bearer ${token}` } };
}

interface Got { status: number; cache: string | null; body: Record<string, unknown> }

async function get(path: string, headers: Record<string, string>): Promise<Got> {
  const response = await fetch(`${base}${path}`, { headers });
  return { status: response.status, cache: response.headers.get('x-dashboard-cache'), body: (await response.json()) as Record<string, unknown> };
}

/** A request as it comes off the wire: the body's bytes as sent (fetch would decode them). */
function rawRequest(url: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.request(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    }).on('error', reject).end();
  });
}

/** The decoded body of a response sent gzip or br: one decoding, as a browser does. */
function decodedOnce(response: { headers: http.IncomingHttpHeaders; body: Buffer }): string {
  const coding = response.headers['content-encoding'];
  if (coding === 'gzip') return gunzipSync(response.body).toString('utf8');
  if (coding === 'br') return brotliDecompressSync(response.body).toString('utf8');
  throw new Error(`not compressed: content-encoding ${String(coding)}`);
}

/** The page's default question: the last 30 days with the previous 30 beside them. */
const pageQuery = (workspace: string) => `/api/dashboard/aggregate?workspace_id=${encodeURIComponent(workspace)}&range=30d&compare=previous`;
const sends = (got: Got) => (got.body.summary as { sends: number }).sends;

/** `n` sends in the workspace `daysAgo` days before now (UTC workspaces: inside range=30d). */
function sent(workspace: string, n: number, daysAgo: number, campaign = 'Spring'): EmailEventInput[] {
  const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
  return Array.from({ length: n }, (_, i) => ({ workspace_id: workspace, campaign_name: campaign, contact_email: `c${i}@example.com`, event_ts: at }));
}

describe('the answers cache over HTTP (next start)', () => {
  let db: pg.Client;
  const first = uniqueWorkspace('cache-a');
  const second = uniqueWorkspace('cache-b');
  let both: Awaited<ReturnType<typeof newUser>>;
  let secondOnly: Awaited<ReturnType<typeof newUser>>;
  let nobody: Awaited<ReturnType<typeof newUser>>;

  beforeAll(async () => {
    db = await connect();
    await insertEvents(db, [...sent(first, 7, 2), ...sent(second, 11, 3, 'Autumn')]);
    await refreshViewsNow(db);
    [both, secondOnly, nobody] = await Promise.all([newUser(), newUser(), newUser()]);
    await addMember(db, first, both.id, 'viewer');
    await addMember(db, second, both.id, 'viewer');
    await addMember(db, second, secondOnly.id, 'viewer');
  });

  afterAll(async () => {
    await db.query('delete from public.workspace_members where workspace_id = any($1)', [[first, second]]);
    await db.end();
  });

  it('answers a repeated question from the cache, and after a refresh through the route with the new numbers', async () => {
    const asked = await get(pageQuery(first), both.headers);
    expect(asked.status).toBe(200);
    expect(sends(asked)).toBe(7);
    const again = await get(pageQuery(first), both.headers);
    expect(again.cache).toBe('hit');
    expect(again.body.summary).toEqual(asked.body.summary);
    expect(again.body.timeseries).toEqual(asked.body.timeseries);

    await insertEvents(db, sent(first, 3, 1));
    const refreshed = await fetch(`${base}/api/admin/refresh-views`, { method: 'POST', headers: { 'x-refresh-token': inject('refreshToken') } });
    expect(refreshed.status).toBe(200);
    const after = await get(pageQuery(first), both.headers);
    expect(after.cache).toBe('miss');
    expect(sends(after)).toBe(10);
    const kept = await get(pageQuery(first), both.headers);
    expect(kept.cache).toBe('hit');
    expect(sends(kept)).toBe(10);
  });

  it('sees a refresh run in SQL, not through the app, on the next request: answers, campaigns and the workspace list', async () => {
    const campaigns = `/api/dashboard/campaigns?workspace_id=${encodeURIComponent(second)}&range=30d`;
    await get(pageQuery(second), both.headers);
    await get(campaigns, both.headers);
    await get('/api/dashboard/workspaces', both.headers);
    expect((await get(pageQuery(second), both.headers)).cache).toBe('hit');
    expect((await get(campaigns, both.headers)).cache).toBe('hit');
    expect((await get('/api/dashboard/workspaces', both.headers)).cache).toBe('hit');

    await insertEvents(db, [...sent(second, 4, 1, 'Autumn'), ...sent(second, 2, 1, 'Winter')]);
    // As pg_cron or someone in the SQL editor would: the app is not told.
    await db.query('select public.refresh_dashboard_views()');

    const after = await get(pageQuery(second), both.headers);
    expect(after.cache).toBe('miss');
    expect(sends(after)).toBe(17);
    const table = await get(campaigns, both.headers);
    expect(table.cache).toBe('miss');
    expect((table.body.campaigns as Array<{ campaign_name: string; sends: number }>).map((c) => [c.campaign_name, c.sends]))
      .toEqual([['Autumn', 15], ['Winter', 2]]);
    const list = await get('/api/dashboard/workspaces', both.headers);
    expect(list.cache).toBe('miss');
    const listed = (list.body.workspaces as Array<{ workspace_id: string; campaigns: Array<{ campaign_name: string }> }>).find((w) => w.workspace_id === second);
    expect(listed?.campaigns.map((c) => c.campaign_name)).toEqual(['Autumn', 'Winter']);
  });

  it('never serves a kept answer to someone who is not a member of its workspace', async () => {
    await get(pageQuery(first), both.headers);
    expect((await get(pageQuery(first), both.headers)).cache).toBe('hit');
    for (const outsider of [secondOnly, nobody]) {
      const refused = await get(pageQuery(first), outsider.headers);
      expect(refused.status).toBe(404);
      expect(refused.body).toEqual({ error: 'No such workspace, or you are not a member of it.' });
      expect(refused.cache).toBeNull();
    }
    const signedOut = await fetch(`${base}${pageQuery(first)}`);
    expect(signedOut.status).toBe(401);
  });

  it('never serves one workspace\'s answer for another: each is its own, members of the same workspace share it', async () => {
    const asFirst = await get(pageQuery(first), both.headers);
    const asSecond = await get(pageQuery(second), both.headers);
    expect([asFirst.body.workspace_id, sends(asFirst)]).toEqual([first, 10]);
    expect([asSecond.body.workspace_id, sends(asSecond)]).toEqual([second, 17]);
    const sameQuestion = `/api/dashboard/aggregate?workspace_id=${encodeURIComponent(second)}&range=7d`;
    await get(sameQuestion.replace(encodeURIComponent(second), encodeURIComponent(first)), both.headers);
    const otherWorkspace = await get(sameQuestion, both.headers);
    expect(otherWorkspace.cache).toBe('miss');
    expect(otherWorkspace.body.workspace_id).toBe(second);
    // Another member of the second workspace gets its kept answer: the answer is the workspace's, not the user's.
    const otherMember = await get(sameQuestion, secondOnly.headers);
    expect(otherMember.cache).toBe('hit');
    expect(otherMember.body).toEqual(otherWorkspace.body);
  });

  it('keeps one list of every workspace and answers each reader with their own workspaces only', async () => {
    const mine = await get('/api/dashboard/workspaces', both.headers);
    const theirs = await get('/api/dashboard/workspaces', secondOnly.headers);
    const none = await get('/api/dashboard/workspaces', nobody.headers);
    expect((mine.body.workspaces as Array<{ workspace_id: string; role: string }>).map((w) => [w.workspace_id, w.role]))
      .toEqual([first, second].sort().map((w) => [w, 'viewer']));
    expect(theirs.cache).toBe('hit');
    expect((theirs.body.workspaces as Array<{ workspace_id: string }>).map((w) => w.workspace_id)).toEqual([second]);
    expect(none.body).toEqual({ workspaces: [] });
  });

  it('sends an answer gzipped once when asked, the same JSON as sent as it is; the 304 of its tag has no body', async () => {
    const url = `${base}${pageQuery(first)}`;
    const asked = { ...both.headers, 'accept-encoding': 'gzip, deflate, br' };
    const plain = await rawRequest(url, { ...both.headers, 'accept-encoding': 'identity' });
    expect([plain.status, plain.headers['content-encoding']]).toEqual([200, undefined]);
    expect(plain.body.length).toBeGreaterThan(1024);
    const zipped = await rawRequest(url, asked);
    expect([zipped.status, zipped.headers['content-encoding'], zipped.headers['content-type']]).toEqual([200, 'gzip', 'application/json']);
    expect(zipped.headers.vary).toMatch(/\baccept-encoding\b/i);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 2);
    // Decoded once it is the answer's JSON (gzip of gzip would still be binary here). Freshness ages
    // are read with each request.
    const sameAnswer = (json: string) => {
      const body = JSON.parse(json) as { freshness: Array<{ age_seconds: number | null }> };
      return { ...body, freshness: body.freshness.map((row) => ({ ...row, age_seconds: null })) };
    };
    expect(sameAnswer(decodedOnce(zipped))).toEqual(sameAnswer(plain.body.toString('utf8')));
    // One answer, one tag, whichever encoding carries it (Next.js's own pages do the same).
    expect(zipped.headers.etag).toBe(plain.headers.etag);
    const revalidated = await rawRequest(url, { ...asked, 'if-none-match': String(zipped.headers.etag) });
    expect([revalidated.status, revalidated.headers.etag, revalidated.headers['content-encoding'], revalidated.body.length])
      .toEqual([304, zipped.headers.etag, undefined, 0]);
    const head = await rawRequest(url, asked, 'HEAD');
    expect([head.status, head.headers.etag, head.body.length]).toEqual([200, zipped.headers.etag, 0]);
  });

  it('never keeps live or raw answers', async () => {
    const admin = await newUser();
    await addMember(db, first, admin.id, 'admin');
    for (const source of ['live', 'raw']) {
      for (let i = 0; i < 2; i++) {
        const got = await get(`${pageQuery(first)}&source=${source}`, admin.headers);
        expect({ source, status: got.status, cache: got.cache }).toEqual({ source, status: 200, cache: 'bypass' });
      }
    }
  });
});

describe('pages and scripts over HTTP (next start)', () => {
  it('leave compressed by Next.js when the browser takes gzip or br', async () => {
    const accepts = { 'accept-encoding': 'gzip, deflate, br' };
    const page = await rawRequest(`${base}/login`, accepts);
    expect(page.status).toBe(200);
    const html = decodedOnce(page);
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    const script = html.match(/\/_next\/static\/[^"']+\.js/)?.[0];
    expect(script).toBeDefined();
    const asset = await rawRequest(`${base}${script}`, accepts);
    expect(asset.status).toBe(200);
    expect(decodedOnce(asset).length).toBeGreaterThan(asset.body.length);
  });
});

describe('range= across days (next start on a stand-in PostgREST whose today moves)', () => {
  let postgrest: StandInPostgrest;
  let stop: (() => Promise<void>) | undefined;
  let server: NextServer | undefined;
  const today = '2025-06-10';
  const tomorrow = addDays(today, 1);
  /** The database's answer for the week ending `day`, with today (`day`) as its partial day. */
  const week = (day: string) => ({ status: 200, body: { ...currentAggregate('acme', day), from: addDays(day, -6), to: day, partial_day: day } });

  beforeAll(async () => {
    postgrest = standInPostgrest({
      dashboard_schema_version: IN_STEP,
      dashboard_answer_basis: currentBasis(today),
      dashboard_workspaces_basis: WORKSPACES_BASIS,
      dashboard_aggregate: week(today),
    });
    ({ server, stop } = await nextStartOnStandIn(postgrest));
  });

  afterAll(async () => {
    await stop?.();
  });

  it('resolves range=7d on the workspace\'s today before the key is made: the next day is another answer', async () => {
    const url = `${server?.url}/api/dashboard/aggregate?workspace_id=acme&range=7d`;
    const computed = () => postgrest.calls().filter((name) => name === 'dashboard_aggregate').length;
    const ask = async () => {
      const response = await fetch(url);
      return { cache: response.headers.get('x-dashboard-cache'), body: (await response.json()) as { from: string; to: string } };
    };
    expect((await ask()).cache).toBe('miss');
    const kept = await ask();
    expect([kept.cache, kept.body.to, computed()]).toEqual(['hit', today, 1]);

    // Midnight in the workspace's zone: the same data version, another day.
    postgrest.answer('dashboard_answer_basis', currentBasis(tomorrow));
    postgrest.answer('dashboard_aggregate', week(tomorrow));
    const next = await ask();
    expect([next.cache, next.body.from, next.body.to, computed()]).toEqual(['miss', addDays(tomorrow, -6), tomorrow, 2]);
    expect((await ask()).cache).toBe('hit');
    // The previous day's answer is still its own (a reader whose zone is behind).
    postgrest.answer('dashboard_answer_basis', currentBasis(today));
    const before = await ask();
    expect([before.cache, before.body.to, computed()]).toEqual(['hit', today, 2]);
  });

  it('never keeps a failure: an answer of an unexpected shape is a 503 each time, and the next good answer is computed', async () => {
    const url = `${server?.url}/api/dashboard/aggregate?workspace_id=acme&range=7d`;
    const computed = () => postgrest.calls().filter((name) => name === 'dashboard_aggregate').length;
    // A version never asked for yet: a key of its own.
    postgrest.answer('dashboard_answer_basis', currentBasis(today, 41));
    postgrest.answer('dashboard_aggregate', { status: 200, body: { totals: {} } });
    const calls = computed();
    for (let i = 1; i <= 2; i++) {
      const response = await fetch(url);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: 'The database answered in an unexpected format.' });
      expect(computed()).toBe(calls + i);
    }
    postgrest.answer('dashboard_aggregate', week(today));
    const good = await fetch(url);
    expect([good.status, good.headers.get('x-dashboard-cache'), computed()]).toEqual([200, 'miss', calls + 3]);
  });
});
