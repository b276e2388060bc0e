// The production server (`next start`) when its database goes away: every API route answers 503 with
// Retry-After (never 500), the page shows the reason, and all of it recovers once the database is
// back, without a restart. The database here is this file's own, so stopping it disturbs no other test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../scripts/lib/demo-data';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../scripts/lib/embedded-postgres';
import { applyMigrations } from '../../scripts/lib/migrate';
import { startNextServer, type NextServer } from '../../scripts/lib/next-server';

const API_ROUTES = [
  '/api/dashboard/aggregate?workspace_id=acme',
  '/api/dashboard/aggregate?workspace_id=acme&source=raw',
  '/api/dashboard/campaigns?workspace_id=acme',
  '/api/dashboard/workspaces',
  '/api/admin/refresh-views',
];

let dataDir: string;
let database: EmbeddedDatabase | undefined;
let server: NextServer | undefined;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-down-pg-'));
  database = await startEmbeddedPostgres({ dataDir, persistent: true, database: 'dashboard_down' });
  await applyMigrations(database.url);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await seedDemoData(client, { events: 2_000, seed: 5, days: 30 });
    await client.query('select public.refresh_dashboard_views()');
  } finally {
    await client.end();
  }
  // Open mode: this test is about the database, not sign-in (tests/e2e/sign-in.test.ts covers that).
  server = await startNextServer({ DATABASE_URL: database.url, DASHBOARD_AUTH: 'off' });
});

afterAll(async () => {
  await server?.stop();
  await database?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function get(route: string) {
  const response = await fetch(`${server?.url}${route}`);
  return { status: response.status, retryAfter: response.headers.get('retry-after'), text: await response.text() };
}

async function expectUnavailable(base: string) {
  for (const route of API_ROUTES) {
    const response = await fetch(`${base}${route}`);
    expect({ route, status: response.status }).toEqual({ route, status: 503 });
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await response.json()).toEqual({ error: 'The database is unavailable.' });
  }
  const page = await fetch(`${base}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('The database is unavailable.');
}

describe('next start with the database down', () => {
  it('answers 503 with Retry-After while the database is stopped, and 200 again once it is back', async () => {
    for (const route of API_ROUTES) expect((await get(route)).status).toBe(200);
    const port = database?.port;
    await database?.stop();

    await expectUnavailable(server?.url ?? '');
    const logged = server?.output() ?? '';
    expect(logged).toContain('"event":"database_unavailable"');
    expect(logged).not.toContain('"event":"unhandled_error"');

    // The same data directory and port: the server's pool reconnects on its own.
    database = await startEmbeddedPostgres({ dataDir, port, persistent: true, database: 'dashboard_down' });
    expect(database.port).toBe(port);
    for (const route of [...API_ROUTES, '/']) {
      await expect.poll(async () => (await get(route)).status, { timeout: 30_000, interval: 250 }).toBe(200);
    }
    const page = await get('/');
    expect(page.text).toContain('data-testid="kpi-sends-value"');
  });

  it('answers 503 when DATABASE_URL points at a port where nothing listens', async () => {
    const closed = await freePort();
    const unreachable = await startNextServer({ DATABASE_URL: `postgresql://postgres:postgres@127.0.0.1:${closed}/dashboard`, DASHBOARD_AUTH: 'off' });
    try {
      await expectUnavailable(unreachable.url);
    } finally {
      await unreachable.stop();
    }
  });
});
