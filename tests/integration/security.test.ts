// The grants, tested as on Supabase: a fresh database gets Supabase's default privileges (every new
// table, view, sequence and function in public granted to anon and authenticated) before the
// migrations run, so a missing revoke shows up here as a failure.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../scripts/lib/migrate';
import { connect, databaseUrl } from '../support/db';

let admin: pg.Client;
let client: pg.Client;
const database = `security_${randomBytes(4).toString('hex')}`;

/** What a Supabase project grants the API roles in public (its default privileges, for postgres). */
const SUPABASE_DEFAULTS = `
  grant usage on schema public to anon, authenticated, service_role;
  alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
  alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
  alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
`;

beforeAll(async () => {
  admin = await connect();
  await admin.query(`create database ${database}`);
  const url = new URL(databaseUrl());
  url.pathname = `/${database}`;
  // The roles are cluster-wide (the test database's migrations made them); the defaults are per database.
  const setup = new pg.Client({ connectionString: url.toString() });
  await setup.connect();
  await setup.query(SUPABASE_DEFAULTS);
  await setup.end();
  await applyMigrations(url.toString());
  client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
}, 180_000);

afterAll(async () => {
  await client?.end();
  await admin?.query(`drop database if exists ${database} with (force)`);
  await admin?.end();
});

const TABLE_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];

describe('grants under Supabase\'s default privileges', () => {
  it('the default privileges are in effect (a table made after the migrations is granted to anon)', async () => {
    await client.query('begin');
    try {
      await client.query('create table public.probe (id int)');
      const { rows } = await client.query(`select has_table_privilege('anon', 'public.probe', 'SELECT') as granted`);
      expect(rows[0].granted).toBe(true);
    } finally {
      await client.query('rollback');
    }
  });

  for (const role of ['anon', 'authenticated']) {
    it(`${role} has no privilege on any table, view or materialized view in public`, async () => {
      const { rows } = await client.query<{ name: string; privilege: string }>(
        `select c.relname as name, p.privilege
         from pg_class c cross join unnest($2::text[]) p(privilege)
         where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v', 'm', 'p', 'f')
           and has_table_privilege($1, c.oid, p.privilege)`,
        [role, TABLE_PRIVILEGES],
      );
      expect(rows).toEqual([]);
      const { rows: tables } = await client.query(`select count(*)::int as n from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'v', 'm')`);
      expect(tables[0].n).toBeGreaterThanOrEqual(8);
    });

    it(`${role} can execute no function in public (dashboard_* included)`, async () => {
      const { rows } = await client.query<{ name: string }>(
        `select p.oid::regprocedure::text as name from pg_proc p
         where p.pronamespace = 'public'::regnamespace and has_function_privilege($1, p.oid, 'EXECUTE')`,
        [role],
      );
      expect(rows).toEqual([]);
      const { rows: names } = await client.query<{ proname: string }>(`select proname from pg_proc where pronamespace = 'public'::regnamespace`);
      expect(names.map((r) => r.proname)).toEqual(expect.arrayContaining([
        'dashboard_aggregate', 'dashboard_workspaces', 'dashboard_aggregate_for_member', 'dashboard_workspaces_for_member', 'dashboard_member_role',
        'dashboard_campaigns', 'dashboard_campaigns_for_member',
      ]));
    });

    it(`${role} is refused when it reads workspace_members or calls the member functions`, async () => {
      for (const sql of [
        'select * from public.workspace_members',
        `select public.dashboard_aggregate_for_member(gen_random_uuid(), 'acme', '2025-01-01', '2025-01-02')`,
        'select public.dashboard_workspaces_for_member(gen_random_uuid())',
        `select public.dashboard_member_role(gen_random_uuid(), 'acme')`,
        `select public.dashboard_aggregate('acme', '2025-01-01', '2025-01-02')`,
        `select public.dashboard_aggregate('acme', '2025-01-01', '2025-01-02', p_interval => 'week', p_compare => 'previous')`,
        `select public.dashboard_campaigns('acme', '2025-01-01', '2025-01-02')`,
        `select public.dashboard_campaigns_for_member(gen_random_uuid(), 'acme', '2025-01-01', '2025-01-02')`,
        'select public.dashboard_workspaces()',
      ]) {
        await client.query('begin');
        try {
          await client.query(`set local role ${role}`);
          await expect(client.query(sql), sql).rejects.toMatchObject({ code: '42501' });
        } finally {
          await client.query('rollback');
        }
      }
    });
  }

  it('service_role can execute every dashboard function', async () => {
    const { rows } = await client.query<{ name: string }>(
      `select p.oid::regprocedure::text as name from pg_proc p
       where p.pronamespace = 'public'::regnamespace and p.proname like 'dashboard%' and not has_function_privilege('service_role', p.oid, 'EXECUTE')`,
    );
    expect(rows).toEqual([]);
  });

  it('workspace_members has row level security on', async () => {
    const { rows } = await client.query(`select relrowsecurity from pg_class where oid = 'public.workspace_members'::regclass`);
    expect(rows[0].relrowsecurity).toBe(true);
  });

  it('every dashboard read function carries its own statement_timeout', async () => {
    const { rows } = await client.query<{ name: string; timeout: string | null }>(
      `select p.proname as name,
              (select split_part(c, '=', 2) from unnest(p.proconfig) c where c like 'statement_timeout=%') as timeout
       from pg_proc p where p.pronamespace = 'public'::regnamespace
         and p.proname in ('dashboard_aggregate', 'dashboard_workspaces', 'dashboard_aggregate_for_member', 'dashboard_workspaces_for_member', 'dashboard_member_role',
                           'dashboard_campaigns', 'dashboard_campaigns_for_member')
       order by 1`,
    );
    expect(rows.length).toBe(7);
    for (const row of rows) expect(row.timeout, row.name).toMatch(/^\d+(ms|s)$/);
  });
});
