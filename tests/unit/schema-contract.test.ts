// The app and its schema move in step: every migration that changes what the app calls says so by
// redefining dashboard_schema_version() with its own timestamp, and the newest one is the app's
// APP_SCHEMA_VERSION. The checker runs on the real migrations, and on fixtures that break the rule.
import { describe, expect, it } from 'vitest';
import { APP_SCHEMA_VERSION } from '../../lib/db/schema-version';
import { MIGRATIONS_DIR, PROJECT_ROOT } from '../../scripts/lib/migrate';
import { appContract, checkMigrations, contractChanges, readMigrations, RULE, type Migration } from '../support/schema-contract';

const migrations = readMigrations(MIGRATIONS_DIR);
const contract = appContract(PROJECT_ROOT, migrations);

/** A later migration, as the next engineer might write it. */
function later(file: string, sql: string): Migration[] {
  return [...migrations, { file, sql }];
}

function versionFunction(version: string, compatibleSince: string): string {
  return `create or replace function public.dashboard_schema_version()
returns jsonb language sql immutable set search_path = '' as $$
  select jsonb_build_object('version', '${version}', 'compatible_since', '${compatibleSince}')
$$;`;
}

const CHANGED_AGGREGATE = `create or replace function public.dashboard_aggregate(p_workspace_id text) returns jsonb
language sql stable set search_path = '' as $$ select '{}'::jsonb $$;`;

describe('the migrations and APP_SCHEMA_VERSION', () => {
  it('follow the rule: each migration that changes the contract redefines the version, the newest is the app\'s', () => {
    const problems = checkMigrations(migrations, contract, APP_SCHEMA_VERSION);
    expect(problems, `${problems.join('\n')}\n${RULE}\nThe contract: ${[...contract.functions, ...contract.tables].join(', ')}.`).toEqual([]);
  });

  it('read the contract from the code: the functions the store calls and the tables the scripts use', () => {
    expect(contract.functions).toEqual(expect.arrayContaining([
      'dashboard_aggregate', 'dashboard_aggregate_for_member', 'dashboard_campaigns', 'dashboard_campaigns_for_member',
      'dashboard_workspaces', 'dashboard_workspaces_for_member', 'dashboard_member_role', 'refresh_dashboard_views',
      'get_view_freshness', 'dashboard_schema_version',
    ]));
    // Internal helpers are not the app's: it never names them.
    expect(contract.functions).not.toContain('dashboard_member_refusal');
    expect(contract.tables).toEqual(expect.arrayContaining(['email_events', 'llm_usage', 'mv_daily_stats', 'workspace_members']));
    expect(contract.tables).not.toContain('dashboard_change_log');
  });

  it('APP_SCHEMA_VERSION names a migration of this checkout', () => {
    expect(migrations.map((m) => m.file.slice(0, 14))).toContain(APP_SCHEMA_VERSION);
  });
});

describe('the checker on a later migration (fixtures)', () => {
  it('fails a migration that changes a dashboard function without bumping the version', () => {
    const problems = checkMigrations(later('20260105000001_faster_aggregate.sql', CHANGED_AGGREGATE), contract, APP_SCHEMA_VERSION);
    expect(problems).toEqual([
      `20260105000001_faster_aggregate.sql changes dashboard_aggregate but does not redefine public.dashboard_schema_version() with version '20260105000001'.`,
    ]);
  });

  it('fails a migration that alters, or drops among others, a contract table or function', () => {
    const alter = checkMigrations(later('20260105000001_metadata.sql', 'alter table only public.email_events add column source text;'), contract, APP_SCHEMA_VERSION);
    expect(alter.join('\n')).toMatch(/20260105000001_metadata\.sql changes email_events/);
    const drop = checkMigrations(later('20260105000001_cleanup.sql', 'drop function if exists public.old_helper(), public.dashboard_campaigns_for_member(uuid, text);'),
      contract, APP_SCHEMA_VERSION);
    expect(drop.join('\n')).toMatch(/changes dashboard_campaigns_for_member /);
  });

  it('fails a bump that copies the previous timestamp, and an app constant left behind', () => {
    const copied = checkMigrations(later('20260105000001_faster_aggregate.sql', `${CHANGED_AGGREGATE}\n${versionFunction(APP_SCHEMA_VERSION, '20251222000001')}`),
      contract, APP_SCHEMA_VERSION);
    expect(copied).toEqual([`20260105000001_faster_aggregate.sql redefines dashboard_schema_version() with version '${APP_SCHEMA_VERSION}'; it must be its own timestamp, '20260105000001'.`]);
    const bumped = later('20260105000001_faster_aggregate.sql', `${CHANGED_AGGREGATE}\n${versionFunction('20260105000001', '20251222000001')}`);
    expect(checkMigrations(bumped, contract, APP_SCHEMA_VERSION)).toEqual([
      `APP_SCHEMA_VERSION (lib/db/schema-version.ts) is '${APP_SCHEMA_VERSION}', but the newest dashboard_schema_version() says '20260105000001': they must be equal.`,
    ]);
    expect(checkMigrations(bumped, contract, '20260105000001')).toEqual([]);
  });

  it('fails compatible_since moved back, or past the version', () => {
    const back = checkMigrations(later('20260105000001_x.sql', versionFunction('20260105000001', '20251201000000')), contract, '20260105000001');
    expect(back.join('\n')).toMatch(/goes back before '20251222000001'/);
    const past = checkMigrations(later('20260105000001_x.sql', versionFunction('20260105000001', '20260201000000')), contract, '20260105000001');
    expect(past.join('\n')).toMatch(/later than its version/);
  });

  it('passes a migration that touches nothing of the contract, or names it only in comments', () => {
    const throttle = `-- Unlike create or replace function public.dashboard_aggregate, this table is the sign-in's own.
create table public.sign_in_attempts (email text primary key, failures int not null default 0);
/* alter table public.email_events is not needed */`;
    expect(checkMigrations(later('20251224000001_sign_in_throttle.sql', throttle), contract, APP_SCHEMA_VERSION)).toEqual([]);
    expect(contractChanges('create or replace function public.dashboard_aggregate_helper() returns int language sql as $$ select 1 $$;', contract)).toEqual([]);
  });

  it('fails a definition it cannot read', () => {
    const odd = `create or replace function public.dashboard_schema_version() returns jsonb language sql as $$ select '{"version": "20260105000001"}'::jsonb $$;`;
    expect(checkMigrations(later('20260105000001_x.sql', odd), contract, '20260105000001').join('\n')).toMatch(/not as jsonb_build_object/);
  });
});

