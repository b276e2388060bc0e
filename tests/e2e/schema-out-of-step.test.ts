// The production server (`next start`) deployed ahead of its migrations: it says so at start-up,
// every API route and the page answer 503 naming the missing migration and the command (never 500),
// and once the migration is applied it serves again without a restart. First on a real Postgres
// migrated up to all but the app's last contract migration (by the Supabase CLI), then through
// supabase-js against a stand-in PostgREST whose schema goes back under a running server; last,
// `npm run dev` on a Supabase project (the stand-in) behind the app says so before `next dev` starts.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_SCHEMA_VERSION } from '../../lib/db/schema-version';
import { launchChromium } from '../../scripts/lib/browser';
import { seedDemoData } from '../../scripts/lib/demo-data';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../scripts/lib/embedded-postgres';
import { addMember } from '../../scripts/lib/members';
import { applyMigrations, PROJECT_ROOT } from '../../scripts/lib/migrate';
import { startNextServer, type NextServer } from '../../scripts/lib/next-server';
import { bearer, hs256Token, TEST_JWT_SECRET } from '../support/auth';
import { databaseRoutes } from '../support/routes';
import { BEFORE_BUCKETS, currentAggregate, currentBasis, currentContext, IN_STEP, standInPostgrest, WORKSPACES_BASIS, type StandInPostgrest } from '../support/stand-in-postgrest';
import { nextStartOnStandIn, STAND_IN_SERVICE_ROLE_KEY } from '../support/stand-in-server';

const REFRESH_TOKEN = randomUUID().replaceAll('-', '').repeat(2);
const MISSING = `migration ${APP_SCHEMA_VERSION} is missing`;

/** One request per method of every API route file; `user`: with the signed-in admin's token. */
const ID = '00000000-0000-4000-8000-000000000001';
const RULE = JSON.stringify({ metric: 'bounce_rate', direction: 'above', threshold: 0.05, window: '24h', channel_id: ID });
/** `inStep`: the status once the schema is in step, when not 200 (these ids name nothing in this database). */
const REQUESTS: Record<string, { path: string; method?: string; user?: true; headers?: Record<string, string>; body?: string; inStep?: number }> = {
  'GET /api/dashboard/aggregate': { path: '/api/dashboard/aggregate?workspace_id=acme', user: true },
  'GET /api/dashboard/campaigns': { path: '/api/dashboard/campaigns?workspace_id=acme', user: true },
  'GET /api/dashboard/workspaces': { path: '/api/dashboard/workspaces', user: true },
  'POST /api/dashboard/refresh': { path: '/api/dashboard/refresh?workspace_id=acme', method: 'POST', user: true },
  'GET /api/dashboard/time-zone': { path: '/api/dashboard/time-zone?workspace_id=acme', user: true },
  'PUT /api/dashboard/time-zone': { path: '/api/dashboard/time-zone?workspace_id=acme', method: 'PUT', user: true, body: JSON.stringify({ time_zone: 'Asia/Kolkata' }) },
  'GET /api/dashboard/time-zones': { path: '/api/dashboard/time-zones', user: true },
  'GET /api/dashboard/alerts': { path: '/api/dashboard/alerts?workspace_id=acme', user: true },
  'POST /api/dashboard/alerts/rules': { path: '/api/dashboard/alerts/rules?workspace_id=acme', method: 'POST', user: true, body: RULE, inStep: 400 },
  'PUT /api/dashboard/alerts/rules/[id]': { path: `/api/dashboard/alerts/rules/${ID}?workspace_id=acme`, method: 'PUT', user: true, body: RULE, inStep: 404 },
  'DELETE /api/dashboard/alerts/rules/[id]': { path: `/api/dashboard/alerts/rules/${ID}?workspace_id=acme`, method: 'DELETE', user: true, inStep: 404 },
  'POST /api/dashboard/alerts/channels': { path: '/api/dashboard/alerts/channels?workspace_id=acme', method: 'POST', user: true,
    body: JSON.stringify({ kind: 'webhook', url: 'http://127.0.0.1:9/hook' }), inStep: 201 },
  'DELETE /api/dashboard/alerts/channels/[id]': { path: `/api/dashboard/alerts/channels/${ID}?workspace_id=acme`, method: 'DELETE', user: true, inStep: 404 },
  'POST /api/dashboard/alerts/channels/[id]/enable': { path: `/api/dashboard/alerts/channels/${ID}/enable?workspace_id=acme`, method: 'POST', user: true, inStep: 404 },
  'POST /api/dashboard/alerts/channels/[id]/test': { path: `/api/dashboard/alerts/channels/${ID}/test?workspace_id=acme`, method: 'POST', user: true, inStep: 404 },
  'GET /api/admin/refresh-views': { path: '/api/admin/refresh-views' },
  'POST /api/admin/refresh-views': { path: '/api/admin/refresh-views', method: 'POST', headers: { 'x-refresh-token': REFRESH_TOKEN } },
};

/** A page's HTML with the entities React writes for ', <, > and & turned back into the characters. */
const htmlText = (html: string) => html.replaceAll('&#x27;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');

async function call(base: string, route: string, token: string) {
  const entry = REQUESTS[route];
  if (!entry) throw new Error(`no request for ${route}`);
  const response = await fetch(`${base}${entry.path}`, {
    method: entry.method ?? 'GET', headers: { ...(entry.user ? bearer(token) : {}), ...entry.headers }, body: entry.body,
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), text: await response.text() };
}

describe('next start on a database migrated up to all but the last contract migration', () => {
  let dataDir: string;
  let database: EmbeddedDatabase | undefined;
  let server: NextServer | undefined;
  const userId = randomUUID();
  let token: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-behind-pg-'));
    database = await startEmbeddedPostgres({ dataDir, persistent: false, database: 'dashboard_behind' });
    await applyMigrations(database.url, { before: APP_SCHEMA_VERSION });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await seedDemoData(client, { events: 2_000, seed: 11, days: 30 });
      await client.query('select public.refresh_dashboard_views()');
      await addMember(client, userId, 'acme', 'admin');
    } finally {
      await client.end();
    }
    token = await hs256Token({ sub: userId });
    server = await startNextServer({
      DATABASE_URL: database.url, SUPABASE_JWT_SECRET: TEST_JWT_SECRET, MATERIALIZED_VIEWS_REFRESH_TOKEN: REFRESH_TOKEN, ALERTS_ALLOW_PRIVATE_URLS: '1',
    });
  });

  afterAll(async () => {
    await server?.stop();
    await database?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the request list covers every API route file that reaches the database', () => {
    expect(Object.keys(REQUESTS).sort()).toEqual(databaseRoutes(PROJECT_ROOT));
  });

  it('serves the OpenAPI document (built with the app, no database needed) as JSON', async () => {
    const response = await fetch(`${server?.url ?? ''}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await response.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('says so at start-up, before the first request: the missing migration and `npm run migrate`', () => {
    const lines = (server?.output() ?? '').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const first = lines.findIndex((line) => line.event === 'schema_out_of_step');
    expect(lines[first]).toMatchObject({ level: 'error', missing_migration: APP_SCHEMA_VERSION, command: 'npm run migrate' });
    expect(String(lines[first]?.message)).toContain(MISSING);
    // Logged by the start-up check itself (no route), before any request was answered.
    expect(lines[first]?.route).toBeUndefined();
    expect(lines.slice(0, first).some((line) => 'route' in line)).toBe(false);
  });

  it('every API route and the page answer 503 naming the missing migration, never 500', async () => {
    const base = server?.url ?? '';
    for (const route of Object.keys(REQUESTS)) {
      const { status, retryAfter, text } = await call(base, route, token);
      expect({ route, status }).toEqual({ route, status: 503 });
      expect(retryAfter).toMatch(/^\d+$/);
      const body = JSON.parse(text) as { error: string; schema: Record<string, unknown> };
      expect(body.error).toContain(MISSING);
      expect(body.error).toContain('`npm run migrate`');
      expect(body.schema).toMatchObject({ state: 'behind', missing_migration: APP_SCHEMA_VERSION, command: 'npm run migrate' });
    }
    for (const headers of [bearer(token), {}]) {
      const page = await fetch(`${base}/?workspace_id=acme`, { headers, redirect: 'manual' });
      expect(page.status).toBe(503);
      expect(page.headers.get('retry-after')).toMatch(/^\d+$/);
      const html = await page.text();
      expect(html).toContain(MISSING);
      expect(html).toContain('npm run migrate');
    }
    expect(server?.output()).not.toContain('"event":"unhandled_error"');
  });

  it('serves again without a restart once the migration is applied', async () => {
    await applyMigrations(database?.url ?? '');
    const base = server?.url ?? '';
    await expect.poll(async () => (await call(base, 'GET /api/dashboard/workspaces', token)).status, { timeout: 30_000, interval: 500 }).toBe(200);
    for (const [route, entry] of Object.entries(REQUESTS)) {
      expect({ route, status: (await call(base, route, token)).status }).toEqual({ route, status: entry.inStep ?? 200 });
    }
    const page = await fetch(`${base}/`, { headers: bearer(token) });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-testid="kpi-sends-value"');
    expect(server?.output()).toContain('"event":"schema_in_step"');
  });
});

describe('next start on a stand-in PostgREST whose schema goes back while it runs', () => {
  let postgrest: StandInPostgrest;
  let stop: (() => Promise<void>) | undefined;
  let server: NextServer | undefined;

  beforeAll(async () => {
    const today = new Date().toISOString().slice(0, 10);
    postgrest = standInPostgrest({
      dashboard_schema_version: IN_STEP,
      // The open mode's reads: the answer context (its basis, when the answer may come from the
      // answers cache) before each answer, and the workspaces with their zone.
      dashboard_answer_context: currentContext(today),
      dashboard_answer_basis: currentBasis(today),
      dashboard_workspaces_basis: WORKSPACES_BASIS,
      dashboard_workspaces: { status: 200, body: { workspaces: [{ workspace_id: 'acme', first_day: today, last_day: today, campaigns: [], time_zone: 'UTC' }] } },
      dashboard_aggregate: { status: 200, body: currentAggregate('acme', today) },
      dashboard_campaigns: { status: 200, body: { error: 'not_found' } },
    });
    ({ server, stop } = await nextStartOnStandIn(postgrest));
  });

  afterAll(async () => {
    await stop?.();
  });

  it('a workspace the database refuses is the page\'s 404 (app/not-found.tsx in a real Chromium), not a 500', async () => {
    const browser = await launchChromium({ log: (line) => process.stderr.write(`[schema e2e] ${line}\n`) });
    try {
      const page = await browser.newPage();
      const response = await page.goto(`${server?.url}/`);
      expect(response?.status()).toBe(404);
      await expect.poll(() => page.locator('[data-testid=not-found]').textContent()).toContain('a workspace you are not a member of');
    } finally {
      await browser.close();
    }
  });

  it('a bug in the render is the generic error page with the digest the server log names, and no detail', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const answer = currentAggregate('acme', today);
    // Passes the contract's schema, yet no calendar day: the charts' date arithmetic throws.
    postgrest.answer('dashboard_aggregate', { status: 200, body: { ...answer, timeseries: [{ ...(answer.timeseries as object[])[0], day: '2025-99-99' }] } });
    postgrest.answer('dashboard_campaigns', { status: 200, body: {
      workspace_id: 'acme', from: today, to: today, campaign: null, source: 'mv', time_zone: 'UTC', partial_day: null, data_version: 1,
      campaigns: [], unattributed: { total_cost_usd: 0, llm_calls: 0 }, freshness: [],
    } });
    const browser = await launchChromium({ log: (line) => process.stderr.write(`[schema e2e] ${line}\n`) });
    try {
      const page = await browser.newPage();
      const response = await page.goto(`${server?.url}/`);
      expect(response?.status()).toBe(500);
      expect(await response?.text()).not.toMatch(/Invalid time value|RangeError|\.next\/server/);
      await expect.poll(() => page.locator('[data-testid=error-banner]').textContent(), { timeout: 30_000 })
        .toMatch(/^Could not load the dashboard: something went wrong on our side\. The details are in the server log( \(reference \d+\))?\.Retry$/);
      // One JSON line with the digest; the banner names it when the failure was the server's alone
      // (this one throws in the browser as well, where React gives no digest).
      const line = /\{[^\n]*"event":"unhandled_error"[^\n]*\}/.exec(server?.output() ?? '')?.[0] ?? '{}';
      expect(JSON.parse(line)).toMatchObject({ route: 'GET /', route_type: 'render', digest: expect.stringMatching(/^\d+$/), message: 'Invalid time value' });
      const shown = /reference (\d+)/.exec((await page.locator('[data-testid=error-banner]').textContent()) ?? '')?.[1];
      if (shown) expect(shown).toBe(JSON.parse(line).digest);
    } finally {
      await browser.close();
    }
  });

  it('an old shape discovered while rendering: the page explains it (never 500), then answers 503 like every API route', async () => {
    const logged = server?.output().length ?? 0;
    for (const [name, answer] of Object.entries(BEFORE_BUCKETS)) postgrest.answer(name, answer);
    const base = server?.url ?? '';
    const first = await fetch(`${base}/`);
    // Found out during the render: a page cannot answer 503 itself (the proxy does, from now on).
    expect(first.status).not.toBe(500);
    expect(htmlText(await first.text())).toContain(`${MISSING} (it has none of this app's migrations, or predates dashboard_schema_version(); a Supabase project made by the Deploy button starts empty). Apply the migrations with \`npx supabase link --project-ref <your project ref>\` then \`npx supabase db push\``);
    const again = await fetch(`${base}/`);
    expect(again.status).toBe(503);
    expect(await again.text()).toContain('npx supabase db push');
    for (const route of ['GET /api/dashboard/aggregate', 'GET /api/dashboard/workspaces', 'GET /api/admin/refresh-views']) {
      const { status, text } = await call(base, route, '');
      expect({ route, status }).toEqual({ route, status: 503 });
      expect(JSON.parse(text).error).toContain(MISSING);
    }
    expect(server?.output().slice(logged)).not.toContain('"event":"unhandled_error"');
  });
});

describe('npm run dev on a Supabase project behind the app (a stand-in PostgREST)', () => {
  it('prints the missing migration and `npx supabase db push` before next dev serves', async () => {
    const served = await standInPostgrest(BEFORE_BUCKETS).serve();
    const env: NodeJS.ProcessEnv = {
      ...process.env, SUPABASE_URL: served.url, SUPABASE_SERVICE_ROLE_KEY: STAND_IN_SERVICE_ROLE_KEY, NEXT_TELEMETRY_DISABLED: '1',
    };
    for (const name of ['DATABASE_URL', 'SUPABASE_JWT_SECRET', 'SUPABASE_ANON_KEY', 'DASHBOARD_AUTH', 'NODE_ENV']) delete env[name];
    const port = await freePort();
    const dev = spawn(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/dev.ts', '--port', String(port), '--refresh-every', '3600'], {
      cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    let output = '';
    dev.stdout?.on('data', (chunk) => (output += chunk));
    dev.stderr?.on('data', (chunk) => (output += chunk));
    const exited = new Promise((resolve) => dev.once('exit', resolve));
    try {
      await expect.poll(() => output.includes('Local:') || dev.exitCode !== null, { timeout: 120_000, interval: 250 }).toBe(true);
      const said = output.indexOf(`[dev] The database is behind this app: ${MISSING} (it has none of this app's migrations, or predates dashboard_schema_version(); a Supabase project made by the Deploy button starts empty). Apply the migrations with \`npx supabase link --project-ref <your project ref>\` then \`npx supabase db push\``);
      expect(said, output).toBeGreaterThanOrEqual(0);
      expect(said, output).toBeLessThan(output.indexOf('Local:'));
    } finally {
      if (dev.pid && dev.exitCode === null) process.kill(-dev.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      await served.close();
    }
  });
});
