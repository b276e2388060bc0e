// For tests over HTTP: a throwaway embedded Postgres (or TEST_DATABASE_URL) with migrations and
// seeded demo data, a production build, and one `next start` pointed at it with known secrets.
// Sign-in is on, as in production: the server verifies tokens with the JWKS of a fake Supabase
// Auth (GoTrue cannot run here) that also answers the login page; two users are members of every
// demo workspace, one as admin, one as viewer.
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../scripts/lib/embedded-postgres';
import { DEMO_WORKSPACES, seedDemoData } from '../../scripts/lib/demo-data';
import { addMember } from '../../scripts/lib/members';
import { applyMigrations } from '../../scripts/lib/migrate';
import { buildNext, startNextServer, type NextServer } from '../../scripts/lib/next-server';
import { startFakeSupabaseAuth, type FakeAuthServer, type FakeUser } from './fake-supabase-auth';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    baseUrl: string;
    refreshToken: string;
    cronSecret: string;
    /** The fake Supabase project (SUPABASE_URL of the server). */
    supabaseUrl: string;
    /** Its private ES256 signing key, to mint access tokens in the tests. */
    signingJwk: import('jose').JWK;
    admin: FakeUser;
    viewer: FakeUser;
  }
}

export const E2E_SEED_EVENTS = 50_000;

let embedded: EmbeddedDatabase | undefined;
let server: NextServer | undefined;
let dataDir: string | undefined;
let auth: FakeAuthServer | undefined;

export default async function setup(project: TestProject) {
  const log = (line: string) => process.stderr.write(`[e2e setup] ${line}\n`);
  let databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-e2e-pg-'));
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false, database: 'dashboard_e2e' });
    databaseUrl = embedded.url;
  }
  await applyMigrations(databaseUrl);
  const password = randomBytes(12).toString('hex');
  const admin: FakeUser = { id: randomUUID(), email: 'admin@example.com', password };
  const viewer: FakeUser = { id: randomUUID(), email: 'viewer@example.com', password };
  auth = await startFakeSupabaseAuth([admin, viewer]);
  const anonKey = `e2e-anon-${randomBytes(12).toString('hex')}`;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query('select count(*)::int as n from public.email_events');
    if (rows[0].n === 0) {
      log(`seeding ${E2E_SEED_EVENTS} events`);
      await seedDemoData(client, { events: E2E_SEED_EVENTS, seed: 7, days: 200 });
    }
    await client.query('select public.refresh_dashboard_views()');
    for (const workspace of DEMO_WORKSPACES) {
      await addMember(client, admin.id, workspace, 'admin');
      await addMember(client, viewer.id, workspace, 'viewer');
    }
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
    SUPABASE_URL: auth.url,
    SUPABASE_ANON_KEY: anonKey,
    // The alerts' test receivers listen on 127.0.0.1, which production refuses.
    ALERTS_ALLOW_PRIVATE_URLS: '1',
  });
  log(`next start on ${server.url}`);
  project.provide('databaseUrl', databaseUrl);
  project.provide('baseUrl', server.url);
  project.provide('refreshToken', refreshToken);
  project.provide('cronSecret', cronSecret);
  project.provide('supabaseUrl', auth.url);
  project.provide('signingJwk', auth.privateJwk);
  project.provide('admin', admin);
  project.provide('viewer', viewer);
  return async () => {
    await server?.stop();
    await auth?.close();
    await embedded?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
