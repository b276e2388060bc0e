-- Citus-ready: every key leads with workspace_id, and on a Citus coordinator every table the
-- migrations create is distributed by it (co-located) or, when small and shared, replicated.
--
-- The same file runs everywhere. Without the citus extension (Supabase, the embedded Postgres of dev
-- and tests, any plain Postgres) it only changes the raw tables' primary keys; with it, it also
-- calls create_distributed_table / create_reference_table. Citus needs every primary and unique key
-- of a distributed table to include the distribution column, and co-location (same hash ranges on
-- the same node) so the refresh's and the dashboard's joins on workspace_id run shard by shard.

-- ---------------------------------------------------------------------------------------------
-- 1. Raw tables: primary key (workspace_id, id) instead of (id). Every deployment.
-- ---------------------------------------------------------------------------------------------

-- id stays an identity column and stays unique in practice (one sequence); the key now also names the
-- workspace, as Citus requires of a table distributed by it. One index build per table.
alter table public.email_events
  drop constraint email_events_pkey,
  add constraint email_events_pkey primary key (workspace_id, id);
alter table public.llm_usage
  drop constraint llm_usage_pkey,
  add constraint llm_usage_pkey primary key (workspace_id, id);
alter table public.daily_stats
  drop constraint daily_stats_pkey,
  add constraint daily_stats_pkey primary key (workspace_id, id);
comment on index public.email_events_pkey is 'one event by workspace and id (the workspace first: the distribution column on Citus)';
comment on index public.llm_usage_pkey is 'one LLM call by workspace and id (the workspace first: the distribution column on Citus)';
comment on index public.daily_stats_pkey is 'one legacy counter row by workspace and id (the workspace first: the distribution column on Citus)';

-- ---------------------------------------------------------------------------------------------
-- 2. On Citus only: distribute by workspace_id, co-located with email_events; reference tables
--    for the two small shared tables. Nothing happens here on a Postgres without Citus.
-- ---------------------------------------------------------------------------------------------

do $$
declare
  v_table text;
begin
  if not exists (select 1 from pg_catalog.pg_extension where extname = 'citus') then
    return;
  end if;
  -- The change-tracking triggers on email_events/llm_usage run on each shard (Citus creates them
  -- there) and write the co-located shard of dashboard_change_log. Citus refuses to distribute a
  -- table with triggers unless told this is wanted; the setting matters only for this DDL.
  set local citus.enable_unsafe_triggers = on;
  -- Several tables already hold rows (an existing database moved to Citus): copying them into shards
  -- and later DDL in the same transaction must use one connection per node.
  set local citus.multi_shard_modify_mode = 'sequential';

  -- Small, read by every refresh and every dashboard answer, written only by refreshes: a copy on
  -- every node, so joins with them stay on the node.
  perform create_reference_table('public.dashboard_views');
  perform create_reference_table('public.dashboard_view_refreshes');

  perform create_distributed_table('public.email_events', 'workspace_id');
  foreach v_table in array array[
    'llm_usage', 'daily_stats', 'dashboard_change_log', 'mv_daily_stats', 'mv_daily_contacts', 'mv_llm_cost',
    'dashboard_contact_days', 'workspace_members'] loop
    perform create_distributed_table(format('public.%I', v_table), 'workspace_id', colocate_with => 'public.email_events');
  end loop;

  -- Citus puts two views of its own in public (citus_tables, citus_schemas: every table's name, size
  -- and owner) and lets everyone read them. The API roles read nothing in public.
  for v_table in
    select format('%I.%I', n.nspname, c.relname) from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_depend d on d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e'
    join pg_catalog.pg_extension x on x.oid = d.refobjid and x.extname = 'citus'
    where n.nspname = 'public'
  loop
    execute format('revoke all on %s from public, anon, authenticated', v_table);
  end loop;
end
$$;
