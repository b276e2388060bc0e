-- Issue 25: the schema says which version of the app's contract it is, so an app deployed ahead of
-- its migrations (or a database migrated ahead of its app) says so instead of failing on a read.
--
-- dashboard_schema_version() answers {"version", "compatible_since"}:
--   * version: the timestamp of the latest migration that changed something the app calls (the
--     functions it calls through its store, the tables its scripts read); the app holds the version
--     it expects in APP_SCHEMA_VERSION (lib/db/schema-version.ts). Below it: "the database is behind,
--     apply the migrations". A database without this function is behind as well.
--   * compatible_since: the oldest APP_SCHEMA_VERSION that still works with this database. An app
--     older than the database keeps working while its version is >= compatible_since.
--
-- THE RULE FOR EVERY LATER MIGRATION (tests/unit/schema-contract.test.ts enforces it):
--   if your migration creates, replaces, alters, renames or drops one of the app's contract objects
--   (the test's failure message lists them: dashboard_aggregate, dashboard_campaigns, ...,
--   email_events, workspace_members, ...), it must also redefine this function, copied as it is here,
--   with 'version' set to the migration's own 14-digit timestamp; and it must raise
--   'compatible_since' to its own timestamp too when an app of the previous version would break
--   (a parameter or an answer field removed or renamed, a table column dropped). Then set
--   APP_SCHEMA_VERSION to the same timestamp in the same commit. Migrations that touch nothing
--   of the contract leave this function alone.

-- Constants only: no table is read, so no statement_timeout and no security definer are needed.
create or replace function public.dashboard_schema_version()
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object('version', '20251223000001', 'compatible_since', '20251222000001')
$$;

comment on function public.dashboard_schema_version() is
  'Which version of the app''s contract this schema is (the timestamp of the latest migration that changed it) and the oldest app version it still serves; the app compares it with APP_SCHEMA_VERSION at start-up and when a read fails.';

-- Like every function here: the server's service_role only (Supabase grants new functions to the API roles).
revoke all on function public.dashboard_schema_version() from public, anon, authenticated;
grant execute on function public.dashboard_schema_version() to service_role;
