// For tests over HTTP: a throwaway embedded Postgres (or TEST_DATABASE_URL) with migrations and
// seeded demo data, a production build, and one `next start` pointed at it with known secrets.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../scripts/lib/embedded-postgres';
import { seedDemoData } from '../../scripts/lib/demo-data';
import { applyMigrations } from '../../scripts/lib/migrate';
import { buildNext, startNextServer, type NextServer } from '../../scripts/lib/next-server';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    baseUrl: string;
    refreshToken: string;
    cronSecret: string;
  }
}

export const E2E_SEED_EVENTS = 50_000;

let embedded: EmbeddedDatabase | undefined;
let server: NextServer | undefined;
let dataDir: string | undefined;

export default async function setup(project: TestProject) {
  const log = (line: string) => process.stderr.write(`[e2e setup] ${line}\n`);
  let databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-e2e-pg-'));
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false, database: 'dashboard_e2e' });
    databaseUrl = embedded.url;
  }
  await applyMigrations(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query('select count(*)::int as n from public.email_events');
    if (rows[0].n === 0) {
      log(`seeding ${E2E_SEED_EVENTS} events`);
      await seedDemoData(client, { events: E2E_SEED_EVENTS, seed: 7, days: 200 });
    }
    await client.query('select public.refresh_dashboard_views()');
  } finally {
    await client.end();
  }
  await buildNext({ log });
  const refreshToken = randomBytes(32).toString('hex');
  const cronSecret = randomBytes(32).toString('hex');
  server = await startNextServer({
    DATABASE_URL: databaseUrl,
    MATERIALIZED_VIEWS_REFRESH_TOKEN: refreshToken,
    CRON_SECRET: cronSecret,
  });
  log(`next start on ${server.url}`);
  project.provide('databaseUrl', databaseUrl);
  project.provide('baseUrl', server.url);
  project.provide('refreshToken', refreshToken);
  project.provide('cronSecret', cronSecret);
  return async () => {
    await server?.stop();
    await embedded?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
