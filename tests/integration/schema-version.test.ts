// dashboard_schema_version() on the real Postgres of the test run (all migrations applied): it is
// the app's APP_SCHEMA_VERSION, only service_role may call it, and the app's check finds it in step.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../lib/db/postgres';
import { askSchema } from '../../lib/db/schema-check';
import { APP_SCHEMA_VERSION, schemaVersionSchema } from '../../lib/db/schema-version';
import { connect, databaseUrl } from '../support/db';

let client: pg.Client;
beforeAll(async () => {
  client = await connect();
});
afterAll(async () => {
  await client.end();
});

describe('public.dashboard_schema_version()', () => {
  it('answers the app\'s version, and the oldest app version the schema still serves (not later)', async () => {
    const { rows } = await client.query('select public.dashboard_schema_version() as v');
    const answer = schemaVersionSchema.parse(rows[0].v);
    expect(answer.version).toBe(APP_SCHEMA_VERSION);
    expect(answer.compatible_since <= answer.version).toBe(true);
  });

  it('is callable by service_role only, pins its search_path and explains itself', async () => {
    const { rows } = await client.query(`
      select has_function_privilege('anon', p.oid, 'EXECUTE') as anon, has_function_privilege('authenticated', p.oid, 'EXECUTE') as authenticated,
             has_function_privilege('public', p.oid, 'EXECUTE') as everyone, has_function_privilege('service_role', p.oid, 'EXECUTE') as service_role,
             p.proconfig, p.prosecdef, obj_description(p.oid, 'pg_proc') as comment
      from pg_proc p where p.oid = 'public.dashboard_schema_version()'::regprocedure`);
    expect(rows[0]).toMatchObject({ anon: false, authenticated: false, everyone: false, service_role: true, prosecdef: false, proconfig: ['search_path=""'] });
    expect(rows[0].comment).toMatch(/APP_SCHEMA_VERSION/);
  });

  it('the app\'s check through the Postgres store finds the schema in step', async () => {
    const store = createPostgresStore({ connectionString: databaseUrl(), max: 1 });
    try {
      await expect(askSchema(store)).resolves.toMatchObject({ kind: 'in-step', app: APP_SCHEMA_VERSION, command: 'npm run migrate' });
    } finally {
      await store.close();
    }
  });
});
