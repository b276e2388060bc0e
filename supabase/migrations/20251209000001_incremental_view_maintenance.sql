-- Incremental view maintenance: a refresh that costs what changed, not what exists.
--
-- PostgreSQL cannot refresh part of a materialized view, so the three dashboard views become
-- tables with the same names and columns, maintained by refresh_dashboard_views():
--
--   writers ──▶ email_events, llm_usage ──(statement triggers, transition tables)──▶ dashboard_change_log
--                                                             one row per statement and (workspace, UTC day)
--   refresh_dashboard_views()  (one at a time, one transaction)
--     1. one statement, one snapshot: consume the change log it can see and copy the raw rows of
--        those (workspace, day) buckets into temporary tables
--     2. recompute each bucket from those rows and write only the rows whose values changed:
--        mv_daily_stats, mv_llm_cost, and the per-contact state dashboard_contact_days, whose
--        differences move mv_daily_contacts
--
-- Recomputing whole buckets (not adding deltas of the raw rows) keeps it idempotent: a writer
-- that commits during a refresh leaves its change-log rows for the next one, and a bucket
-- recomputed twice comes out the same. refresh_dashboard_views(true) rebuilds everything.
--
-- Every key leads with workspace_id and every statement stays within the rows of the buckets it
-- names, so the tables can be distributed by workspace_id (Citus) without cross-shard joins.

-- The dashboard's maintained views, once: which raw table feeds each, in the order reported.
create table public.dashboard_views (
  view_name    text primary key,
  source_table text not null check (source_table in ('email_events', 'llm_usage')),
  position     smallint not null unique
);
comment on table public.dashboard_views is
  'The dashboard''s maintained views, which raw table feeds each, and their order in reports (the one list every function reads).';
insert into public.dashboard_views values
  ('mv_daily_stats', 'email_events', 1),
  ('mv_daily_contacts', 'email_events', 2),
  ('mv_llm_cost', 'llm_usage', 3);

-- ---------------------------------------------------------------------------------------------
-- Change tracking
-- ---------------------------------------------------------------------------------------------

-- Append-only: one row per writing statement and bucket. No unique key on the bucket, so a writer
-- never waits for a refresh or for another writer; the refresh deletes the rows it consumed.
create table public.dashboard_change_log (
  workspace_id text        not null,
  day          date        not null,   -- UTC day of event_ts / created_at
  source_table text        not null check (source_table in ('email_events', 'llm_usage')),
  id           bigint      generated always as identity,
  logged_at    timestamptz not null default now(),
  primary key (workspace_id, day, id)
);
comment on table public.dashboard_change_log is
  'Buckets (workspace, UTC day) written since the last refresh, one row per writing statement; consumed by refresh_dashboard_views().';
comment on index public.dashboard_change_log_pkey is
  'pending buckets of one workspace and day range (live answers, freshness per workspace)';

create or replace function public.dashboard_log_email_changes()
returns trigger
language plpgsql
security definer            -- writers need no privilege on the change log
set search_path = ''
as $$
declare
  v_workspaces text[];
  v_days       date[];
begin
  -- The buckets are read from the transition tables first, into arrays, and inserted by a second
  -- statement: on Citus this trigger runs on each shard, where a statement that reads a transition
  -- table and writes a distributed table cannot be planned (the distributed executor does not see
  -- the trigger's transition tables).
  if tg_op = 'TRUNCATE' then
    -- No transition table: every bucket the views hold is now empty. Buckets written since the last
    -- refresh are already in the log. On Citus this trigger also fires for each shard (a table named
    -- email_events_<shard id>), where reading the distributed mv_daily_stats is refused; the trigger of
    -- public.email_events itself, on the coordinator, logs every bucket once.
    if tg_relid <> 'public.email_events'::regclass then
      return null;
    end if;
    select array_agg(workspace_id), array_agg(day) into v_workspaces, v_days
    from (select workspace_id, day from public.mv_daily_stats group by workspace_id, day) b;
  elsif tg_op = 'INSERT' then
    select array_agg(workspace_id), array_agg(day) into v_workspaces, v_days
    from (select distinct workspace_id, (event_ts at time zone 'UTC')::date as day from new_rows) b;
  elsif tg_op = 'DELETE' then
    select array_agg(workspace_id), array_agg(day) into v_workspaces, v_days
    from (select distinct workspace_id, (event_ts at time zone 'UTC')::date as day from old_rows) b;
  else
    select array_agg(workspace_id), array_agg(day) into v_workspaces, v_days
    from (select workspace_id, (event_ts at time zone 'UTC')::date as day from old_rows
          union
          select workspace_id, (event_ts at time zone 'UTC')::date from new_rows) b;
  end if;
  if v_workspaces is not null then
    insert into public.dashboard_change_log (workspace_id, day, source_table)
    select b.workspace_id, b.day, 'email_events' from unnest(v_workspaces, v_days) as b(workspace_id, day);
  end if;
  return null;
end
$$;
comment on function public.dashboard_log_email_changes() is
  'Statement trigger on email_events: appends the (workspace, UTC day) buckets a statement wrote to dashboard_change_log.';

create or replace function public.dashboard_log_llm_changes()
returns trigger
language plpgsql
security definer            -- writers need no privilege on the change log
set search_path = ''
as $$
declare
  v_workspaces text[];
  v_days       date[];
begin
  -- The buckets are read from the transition tables first, into arrays, and inserted by a second
  -- statement: on Citus this trigger runs on each shard, where a statement that reads a transition
  -- table and writes a distributed table cannot be planned (the distributed executor does not see
  -- the trigger's transition tables).
  if tg_op = 'TRUNCATE' then
    -- No transition table: every bucket the views hold is now empty. Buckets written since the last
    -- refresh are already in the log. On Citus this trigger also fires for each shard (a table named
    -- llm_usage_<shard id>), where reading the distributed mv_llm_cost is refused; the trigger of
    -- public.llm_usage itself, on the coordinator, logs every bucket once.
    if tg_relid <> 'public.llm_usage'::regclass then
      return null;
    end if;
    select array_agg(workspace_id), array_agg(day) into v_workspaces, v_days
    from (select workspace_id, day from public.mv_llm_cost group by workspace_id, day) b;
  elsif tg_op = 'INSERT' then
    select array_agg(workspace_id), array_agg(day) into v_workspaces, v_days
    from (select distinct workspace_id, (created_at at time zone 'UTC')::date as day from new_rows) b;
  elsif tg_op = 'DELETE' then
    select array_agg(workspace_id), array_agg(day) into v_workspaces, v_days
    from (select distinct workspace_id, (created_at at time zone 'UTC')::date as day from old_rows) b;
  else
    select array_agg(workspace_id), array_agg(day) into v_workspaces, v_days
    from (select workspace_id, (created_at at time zone 'UTC')::date as day from old_rows
          union
          select workspace_id, (created_at at time zone 'UTC')::date from new_rows) b;
  end if;
  if v_workspaces is not null then
    insert into public.dashboard_change_log (workspace_id, day, source_table)
    select b.workspace_id, b.day, 'llm_usage' from unnest(v_workspaces, v_days) as b(workspace_id, day);
  end if;
  return null;
end
$$;
comment on function public.dashboard_log_llm_changes() is
  'Statement trigger on llm_usage: appends the (workspace, UTC day) buckets a statement wrote to dashboard_change_log.';

create trigger email_events_log_inserts after insert on public.email_events
  referencing new table as new_rows for each statement execute function public.dashboard_log_email_changes();
create trigger email_events_log_updates after update on public.email_events
  referencing old table as old_rows new table as new_rows for each statement execute function public.dashboard_log_email_changes();
create trigger email_events_log_deletes after delete on public.email_events
  referencing old table as old_rows for each statement execute function public.dashboard_log_email_changes();
create trigger email_events_log_truncates after truncate on public.email_events
  for each statement execute function public.dashboard_log_email_changes();

create trigger llm_usage_log_inserts after insert on public.llm_usage
  referencing new table as new_rows for each statement execute function public.dashboard_log_llm_changes();
create trigger llm_usage_log_updates after update on public.llm_usage
  referencing old table as old_rows new table as new_rows for each statement execute function public.dashboard_log_llm_changes();
create trigger llm_usage_log_deletes after delete on public.llm_usage
  referencing old table as old_rows for each statement execute function public.dashboard_log_llm_changes();
create trigger llm_usage_log_truncates after truncate on public.llm_usage
  for each statement execute function public.dashboard_log_llm_changes();

-- ---------------------------------------------------------------------------------------------
-- The views, as maintained tables (same names and columns as the materialized views they replace)
-- ---------------------------------------------------------------------------------------------

drop materialized view public.mv_daily_stats;
drop materialized view public.mv_daily_contacts;
drop materialized view public.mv_llm_cost;

create table public.mv_daily_stats (
  workspace_id    text   not null,
  campaign_name   text   not null,
  day             date   not null,
  sends           bigint not null,
  opens           bigint not null,
  clicks          bigint not null,
  replies         bigint not null,
  bounces         bigint not null,
  opt_outs        bigint not null,
  unique_contacts bigint not null,
  email_1_sends   bigint not null,
  email_2_sends   bigint not null,
  email_3_sends   bigint not null,
  email_4_sends   bigint not null,
  email_5_sends   bigint not null,
  primary key (workspace_id, campaign_name, day)
);
comment on table public.mv_daily_stats is
  'Email event counts per (workspace, campaign, UTC day); unique_contacts is distinct contacts that day, do not sum it over days. A table maintained incrementally by refresh_dashboard_views() (PostgreSQL cannot refresh part of a materialized view).';
comment on index public.mv_daily_stats_pkey is 'one row per bucket; workspace + campaign + day range reads';
create index mv_daily_stats_workspace_day_idx on public.mv_daily_stats (workspace_id, day);
comment on index public.mv_daily_stats_workspace_day_idx is 'dashboard: all campaigns of a workspace over a day range; refresh: rows of one bucket';

-- campaign_key is campaign_name made a real key: '' for the whole workspace (campaign_name null),
-- 'c' || campaign_name for one campaign. A NULL in a key matches nothing with "=", which made every
-- refresh of the old materialized view delete and re-insert each whole-workspace row.
create table public.mv_daily_contacts (
  workspace_id  text   not null,
  campaign_name text,
  day           date   not null,
  previous_day  date   not null,
  contacts      bigint not null,
  campaign_key  text   not null generated always as (coalesce('c' || campaign_name, '')) stored,
  primary key (workspace_id, campaign_key, day, previous_day)
);
comment on table public.mv_daily_contacts is
  'Contacts active per (workspace, campaign or null for all campaigns, UTC day, previous active day in that scope; -infinity if none): sum(contacts) where day between from and to and previous_day < from is the exact number of distinct contacts of the range. Maintained incrementally by refresh_dashboard_views().';
comment on column public.mv_daily_contacts.campaign_key is
  'campaign_name as a non-null key: '''' for the whole workspace, ''c'' || campaign_name for one campaign.';
comment on index public.mv_daily_contacts_pkey is 'unique contacts of one scope over a day range; refresh updates by key';

create table public.mv_llm_cost (
  workspace_id     text    not null,
  campaign_name    text,
  provider         text    not null,
  model            text    not null,
  day              date    not null,
  total_cost       numeric not null,
  total_tokens_in  bigint  not null,
  total_tokens_out bigint  not null,
  call_count       bigint  not null,
  campaign_key     text    not null generated always as (coalesce('c' || campaign_name, '')) stored,
  primary key (workspace_id, day, campaign_key, provider, model)
);
comment on table public.mv_llm_cost is
  'LLM cost, tokens and calls per (workspace, campaign or null when not tied to one, provider, model, UTC day). A table maintained incrementally by refresh_dashboard_views().';
comment on column public.mv_llm_cost.campaign_key is
  'campaign_name as a non-null key: '''' for usage tied to no campaign, ''c'' || campaign_name otherwise.';
comment on index public.mv_llm_cost_pkey is 'workspace LLM cost over a day range; refresh: rows of one bucket';

-- The per-contact state behind exact unique contacts: each day a contact was active in a scope
-- (one campaign, or the whole workspace) and the active day before it. A late event, an update or
-- a delete changes a contact's chain at that day and at its next active day only; this table
-- finds both with two index probes instead of re-reading the contact's history.
create table public.dashboard_contact_days (
  workspace_id  text not null,
  campaign_key  text not null,   -- as in mv_daily_contacts: '' for the whole workspace
  contact_email text not null,
  day           date not null,
  previous_day  date not null,   -- '-infinity' when this is the contact's first active day in the scope
  primary key (workspace_id, campaign_key, contact_email, day)
);
comment on table public.dashboard_contact_days is
  'Internal state of refresh_dashboard_views(): the UTC days each contact was active per scope, with the previous active day. mv_daily_contacts counts its rows.';
comment on index public.dashboard_contact_days_pkey is 'one contact''s chain of active days: previous/next active day look-ups';
create index dashboard_contact_days_workspace_day_idx on public.dashboard_contact_days (workspace_id, day);
comment on index public.dashboard_contact_days_workspace_day_idx is 'refresh: the contacts of one (workspace, day) bucket';

-- ---------------------------------------------------------------------------------------------
-- The refresh log: what each refresh did and the moment its data is current as of
-- ---------------------------------------------------------------------------------------------

alter table public.dashboard_view_refreshes
  add column current_as_of timestamptz,
  add column buckets       integer not null default 0,
  add column rows_changed  bigint  not null default 0,
  add column full_rebuild  boolean not null default true;
-- A materialized view refresh read the data as of its start.
update public.dashboard_view_refreshes set current_as_of = started_at;
alter table public.dashboard_view_refreshes
  alter column current_as_of set not null,
  alter column full_rebuild set default false;
comment on column public.dashboard_view_refreshes.current_as_of is
  'The data is current as of this moment: every transaction committed before it is reflected (the refresh''s snapshot).';
comment on column public.dashboard_view_refreshes.buckets is '(workspace, day) buckets recomputed';
comment on column public.dashboard_view_refreshes.rows_changed is 'view rows deleted, inserted or updated (unchanged rows are not rewritten)';

-- ---------------------------------------------------------------------------------------------
-- The refresh: a coordinator and one function per step. The steps share temporary tables
-- (pg_temp.dashboard_*, dropped at commit) and run only inside refresh_dashboard_views(boolean).
-- ---------------------------------------------------------------------------------------------

-- Step 1. One statement, so one snapshot: the change-log rows consumed and the raw rows copied are
-- the same committed transactions, for every view (the views of one refresh show one picture).
-- Fills dashboard_dirty (source_table, workspace_id, day), dashboard_staged_email, dashboard_staged_llm.
create or replace function public.dashboard_refresh_capture(p_full boolean)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_rows    bigint;
  v_seqscan text;
begin
  create temporary table if not exists dashboard_dirty (source_table text, workspace_id text, day date) on commit drop;
  create temporary table if not exists dashboard_staged_email
    (workspace_id text, campaign_name text, contact_email text, event_type text, email_number smallint, day date) on commit drop;
  create temporary table if not exists dashboard_staged_llm
    (workspace_id text, campaign_name text, provider text, model text, day date, cost_usd numeric, tokens_in integer, tokens_out integer)
    on commit drop;
  truncate pg_temp.dashboard_dirty, pg_temp.dashboard_staged_email, pg_temp.dashboard_staged_llm;

  if p_full then
    with consumed as (
      delete from public.dashboard_change_log returning 1
    ), email as (
      insert into pg_temp.dashboard_staged_email
      select e.workspace_id, e.campaign_name, e.contact_email, e.event_type, e.email_number, (e.event_ts at time zone 'UTC')::date
      from public.email_events e
      returning 1
    ), llm as (
      insert into pg_temp.dashboard_staged_llm
      select u.workspace_id, u.campaign_name, u.provider, u.model, (u.created_at at time zone 'UTC')::date, u.cost_usd, u.tokens_in, u.tokens_out
      from public.llm_usage u
      returning 1
    )
    select (select count(*) from consumed) + (select count(*) from email) + (select count(*) from llm) into v_rows;
    -- Every bucket with rows now, and every bucket the views hold (it may have none left).
    insert into pg_temp.dashboard_dirty
    select 'email_events', workspace_id, day from pg_temp.dashboard_staged_email
    union select 'email_events', workspace_id, day from public.mv_daily_stats
    union select 'llm_usage', workspace_id, day from pg_temp.dashboard_staged_llm
    union select 'llm_usage', workspace_id, day from public.mv_llm_cost;
  else
    -- One index range per bucket, never a scan of the workspace: joined to the list of dirty days,
    -- the planner cannot tell how few rows one day is and at 10M events scanned every row of the
    -- workspace. The join form stays because Citus pushes it down to the shards.
    v_seqscan := pg_catalog.current_setting('enable_seqscan');
    perform pg_catalog.set_config('enable_seqscan', 'off', true);
    with consumed as (
      delete from public.dashboard_change_log returning source_table, workspace_id, day
    ), dirty as (
      insert into pg_temp.dashboard_dirty
      select distinct source_table, workspace_id, day from consumed
      returning source_table, workspace_id, day
    ), email as (
      insert into pg_temp.dashboard_staged_email
      select e.workspace_id, e.campaign_name, e.contact_email, e.event_type, e.email_number, d.day
      from dirty d
      join public.email_events e
        on e.workspace_id = d.workspace_id
       and e.event_ts >= (d.day::timestamp at time zone 'UTC')
       and e.event_ts <  ((d.day + 1)::timestamp at time zone 'UTC')
      where d.source_table = 'email_events'
      returning 1
    ), llm as (
      insert into pg_temp.dashboard_staged_llm
      select u.workspace_id, u.campaign_name, u.provider, u.model, d.day, u.cost_usd, u.tokens_in, u.tokens_out
      from dirty d
      join public.llm_usage u
        on u.workspace_id = d.workspace_id
       and u.created_at >= (d.day::timestamp at time zone 'UTC')
       and u.created_at <  ((d.day + 1)::timestamp at time zone 'UTC')
      where d.source_table = 'llm_usage'
      returning 1
    )
    select (select count(*) from email) + (select count(*) from llm) into v_rows;
    perform pg_catalog.set_config('enable_seqscan', v_seqscan, true);
  end if;
  analyze pg_temp.dashboard_dirty;
  analyze pg_temp.dashboard_staged_email;
  analyze pg_temp.dashboard_staged_llm;
end
$$;
comment on function public.dashboard_refresh_capture(boolean) is
  'Refresh step 1: consumes the change log (all of it when p_full) and copies the raw rows of its buckets (all rows when p_full) into temporary tables, in one statement so every view sees one snapshot.';

-- Makes the rows of p_view in the dirty buckets of p_source equal to pg_temp.<p_staged>, deleting
-- and inserting only the rows that differ: a row that is the same in both is not rewritten.
create or replace function public.dashboard_merge_buckets(p_view text, p_staged text, p_source text)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_columns  text;
  v_t_columns text;
  v_same     text;
  v_deleted  bigint;
  v_inserted bigint;
begin
  select string_agg(format('%I', a.attname), ', ' order by a.attnum),
         string_agg(format('t.%I', a.attname), ', ' order by a.attnum),
         string_agg(format(case when a.attnotnull then 't.%1$I = g.%1$I' else 't.%1$I is not distinct from g.%1$I' end, a.attname),
                    ' and ' order by a.attnum)
    into v_columns, v_t_columns, v_same
  from pg_catalog.pg_attribute a
  where a.attrelid = pg_catalog.to_regclass('public.' || pg_catalog.quote_ident(p_view))
    and a.attnum > 0 and not a.attisdropped and a.attgenerated = '';
  -- The rows of the dirty buckets that no staged row equals, found with EXCEPT rather than a
  -- correlated NOT EXISTS over the staged (temporary) table: Citus cannot plan a subquery that
  -- correlates a distributed table with a coordinator-local one, but it runs each side of a set
  -- operation on its own and joins the result back to the shards by key.
  execute format(
    'delete from public.%1$I t
     using (select %6$s from public.%1$I t join pg_temp.dashboard_dirty d
              on d.source_table = %3$L and t.workspace_id = d.workspace_id and t.day = d.day
            except
            select %4$s from pg_temp.%2$I) g
     where %5$s', p_view, p_staged, p_source, v_columns, v_same, v_t_columns);
  get diagnostics v_deleted = row_count;
  -- The staged rows the view does not hold yet (every staged row lies in a dirty bucket).
  execute format(
    'insert into public.%1$I (%4$s)
     select %4$s from pg_temp.%2$I
     except
     select %5$s from public.%1$I t join pg_temp.dashboard_dirty d
       on d.source_table = %3$L and t.workspace_id = d.workspace_id and t.day = d.day',
    p_view, p_staged, p_source, v_columns, v_t_columns);
  get diagnostics v_inserted = row_count;
  return v_deleted + v_inserted;
end
$$;
comment on function public.dashboard_merge_buckets(text, text, text) is
  'Refresh step: makes the rows of one view in the dirty buckets equal to the staged rows, deleting and inserting only rows that differ; returns rows written.';

-- Step 2. The contacts active per bucket and scope, and mv_daily_stats recomputed per bucket.
create function public.dashboard_refresh_daily_stats()
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
begin
  create temporary table if not exists dashboard_staged_contacts
    (workspace_id text, campaign_key text, contact_email text, day date) on commit drop;
  create temporary table if not exists dashboard_staged_stats (like public.mv_daily_stats) on commit drop;
  truncate pg_temp.dashboard_staged_contacts, pg_temp.dashboard_staged_stats;

  insert into pg_temp.dashboard_staged_contacts
  select workspace_id, 'c' || campaign_name, contact_email, day from pg_temp.dashboard_staged_email
  group by workspace_id, campaign_name, contact_email, day;
  insert into pg_temp.dashboard_staged_contacts
  select workspace_id, '', contact_email, day from pg_temp.dashboard_staged_contacts
  group by workspace_id, contact_email, day;
  analyze pg_temp.dashboard_staged_contacts;

  insert into pg_temp.dashboard_staged_stats
  select e.workspace_id, e.campaign_name, e.day, e.sends, e.opens, e.clicks, e.replies, e.bounces, e.opt_outs,
         c.contacts, e.step_1, e.step_2, e.step_3, e.step_4, e.step_5
  from (
    select workspace_id, campaign_name, day,
           count(*) filter (where event_type = 'sent')                      as sends,
           count(*) filter (where event_type = 'opened')                    as opens,
           count(*) filter (where event_type = 'clicked')                   as clicks,
           count(*) filter (where event_type = 'replied')                   as replies,
           count(*) filter (where event_type = 'bounced')                   as bounces,
           count(*) filter (where event_type = 'opted_out')                 as opt_outs,
           count(*) filter (where event_type = 'sent' and email_number = 1) as step_1,
           count(*) filter (where event_type = 'sent' and email_number = 2) as step_2,
           count(*) filter (where event_type = 'sent' and email_number = 3) as step_3,
           count(*) filter (where event_type = 'sent' and email_number = 4) as step_4,
           count(*) filter (where event_type = 'sent' and email_number = 5) as step_5
    from pg_temp.dashboard_staged_email
    group by workspace_id, campaign_name, day
  ) e
  join (
    select workspace_id, campaign_key, day, count(*) as contacts
    from pg_temp.dashboard_staged_contacts
    where campaign_key <> ''
    group by workspace_id, campaign_key, day
  ) c on c.workspace_id = e.workspace_id and c.campaign_key = 'c' || e.campaign_name and c.day = e.day;
  analyze pg_temp.dashboard_staged_stats;

  return public.dashboard_merge_buckets('mv_daily_stats', 'dashboard_staged_stats', 'email_events');
end
$$;
comment on function public.dashboard_refresh_daily_stats() is
  'Refresh step 2: the contacts active per dirty bucket and scope, and mv_daily_stats recomputed for the dirty buckets; returns rows written.';

-- Step 3, from scratch (p_full): every contact's chain by one sort, hash of the contact first so it
-- compares integers, not text in the database's locale (the text keys after it only split hash
-- collisions). The state table's indexes are dropped and built again afterwards: one sort each
-- instead of a btree insert per row, several times faster.
create function public.dashboard_rebuild_contacts()
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_index record;
begin
  truncate public.dashboard_contact_days;
  create temporary table if not exists dashboard_saved_indexes
    (constraint_name text, definition text, index_name text, description text) on commit drop;
  truncate pg_temp.dashboard_saved_indexes;
  insert into pg_temp.dashboard_saved_indexes
  select c.conname, coalesce(pg_catalog.pg_get_constraintdef(c.oid), pg_catalog.pg_get_indexdef(i.indexrelid)),
         i.indexrelid::regclass::text, pg_catalog.obj_description(i.indexrelid, 'pg_class')
  from pg_catalog.pg_index i
  left join pg_catalog.pg_constraint c on c.conindid = i.indexrelid and c.conrelid = i.indrelid
  where i.indrelid = 'public.dashboard_contact_days'::regclass;
  for v_index in select * from pg_temp.dashboard_saved_indexes loop
    if v_index.constraint_name is not null then
      execute format('alter table public.dashboard_contact_days drop constraint %I', v_index.constraint_name);
    else
      execute format('drop index %s', v_index.index_name);
    end if;
  end loop;

  insert into public.dashboard_contact_days (workspace_id, campaign_key, contact_email, day, previous_day)
  select workspace_id, campaign_key, contact_email, day,
         coalesce(lag(day) over (partition by pg_catalog.hashtextextended(contact_email, 0), workspace_id, campaign_key, contact_email
                                 order by day), '-infinity')
  from pg_temp.dashboard_staged_contacts;

  for v_index in select * from pg_temp.dashboard_saved_indexes loop
    if v_index.constraint_name is not null then
      execute format('alter table public.dashboard_contact_days add constraint %I %s', v_index.constraint_name, v_index.definition);
    else
      execute v_index.definition;
    end if;
    execute format('comment on index %s is %L', v_index.index_name, v_index.description);
  end loop;
  analyze public.dashboard_contact_days;

  create temporary table if not exists dashboard_staged_daily_contacts
    (workspace_id text, campaign_name text, day date, previous_day date, contacts bigint) on commit drop;
  truncate pg_temp.dashboard_staged_daily_contacts;
  insert into pg_temp.dashboard_staged_daily_contacts
  select workspace_id, case when campaign_key = '' then null else substr(campaign_key, 2) end, day, previous_day, count(*)
  from public.dashboard_contact_days
  group by workspace_id, campaign_key, day, previous_day;
  analyze pg_temp.dashboard_staged_daily_contacts;
  return public.dashboard_merge_buckets('mv_daily_contacts', 'dashboard_staged_daily_contacts', 'email_events');
end
$$;
comment on function public.dashboard_rebuild_contacts() is
  'Refresh step 3 of a full rebuild: dashboard_contact_days from all staged contact-days, then mv_daily_contacts from it; returns rows written.';

-- Step 3, incremental: the contact-days that appeared or disappeared in the dirty buckets, the
-- chains they change (at that day and at the contact's next active day), and mv_daily_contacts'
-- counts moved accordingly. Every statement here pairs a few thousand changed rows with a table of
-- millions: nested loops over its indexes are the right plan, and hash or merge joins (which read
-- the whole table) are switched off for this function so that a misestimate cannot pick one.
create or replace function public.dashboard_refresh_contacts()
returns bigint
language plpgsql
security definer
set search_path = ''
set enable_hashjoin = off
set enable_mergejoin = off
as $$
declare
  v_rows      bigint;
  v_workspace text;
begin
  create temporary table if not exists dashboard_contact_changes
    (workspace_id text, campaign_key text, contact_email text, day date, previous_day date, change integer) on commit drop;
  create temporary table if not exists dashboard_contact_moves
    (workspace_id text, campaign_key text, day date, old_previous date, new_previous date) on commit drop;
  create temporary table if not exists dashboard_contacts_delta
    (workspace_id text, campaign_key text, day date, previous_day date, contacts bigint) on commit drop;
  truncate pg_temp.dashboard_contact_changes, pg_temp.dashboard_contact_moves, pg_temp.dashboard_contacts_delta;

  -- The difference between the contact-days the dirty buckets hold now (staged) and those recorded
  -- (read bucket by bucket through the (workspace_id, day) index: hash and merge joins are off): one
  -- grouping.
  insert into pg_temp.dashboard_contact_changes
  select workspace_id, campaign_key, contact_email, day, max(previous_day), case when bool_or(staged) then 1 else -1 end
  from (
    select s.workspace_id, s.campaign_key, s.contact_email, s.day, null::date as previous_day, true as staged
    from pg_temp.dashboard_staged_contacts s
    union all
    select k.workspace_id, k.campaign_key, k.contact_email, k.day, k.previous_day, false
    from pg_temp.dashboard_dirty d
    join public.dashboard_contact_days k on k.workspace_id = d.workspace_id and k.day = d.day
    where d.source_table = 'email_events'
  ) both_sides
  group by workspace_id, campaign_key, contact_email, day
  having count(*) = 1;
  analyze pg_temp.dashboard_contact_changes;

  delete from public.dashboard_contact_days t
  using pg_temp.dashboard_contact_changes c
  where c.change = -1 and t.workspace_id = c.workspace_id and t.campaign_key = c.campaign_key
    and t.contact_email = c.contact_email and t.day = c.day;
  -- A new contact-day starts with no previous day; the next statement gives it its real one.
  insert into public.dashboard_contact_days (workspace_id, campaign_key, contact_email, day, previous_day)
  select workspace_id, campaign_key, contact_email, day, '-infinity'
  from pg_temp.dashboard_contact_changes
  where change = 1;
  update pg_temp.dashboard_contact_changes set previous_day = '-infinity' where change = 1;

  -- The previous active day of every added day and of the next active day after any added or
  -- removed day, looked up again: a few index probes per changed contact-day.
  -- One workspace at a time: every distributed table in the statement is then filtered by one
  -- workspace_id, which Citus routes whole to the node holding that workspace's shards (a
  -- per-contact probe "the nearest day before/after, LIMIT 1" correlated with rows from the
  -- coordinator cannot be pushed down across shards). On one Postgres it is the same statement per
  -- workspace, over the same indexes.
  create index if not exists dashboard_contact_changes_workspace on pg_temp.dashboard_contact_changes (workspace_id);
  analyze pg_temp.dashboard_contact_changes;
  for v_workspace in select distinct workspace_id from pg_temp.dashboard_contact_changes loop
    with targets as (
      select workspace_id, campaign_key, contact_email, day, '-infinity'::date as old_previous
      from pg_temp.dashboard_contact_changes where change = 1 and workspace_id = v_workspace
      union
      select c.workspace_id, c.campaign_key, c.contact_email, n.day, n.previous_day
      from pg_temp.dashboard_contact_changes c
      cross join lateral (
        select t.day, t.previous_day from public.dashboard_contact_days t
        where t.workspace_id = v_workspace and t.campaign_key = c.campaign_key
          and t.contact_email = c.contact_email and t.day > c.day
        order by t.day
        limit 1) n
      where c.workspace_id = v_workspace
    ), recomputed as (
      select g.workspace_id, g.campaign_key, g.contact_email, g.day, g.old_previous, coalesce(p.day, '-infinity') as new_previous
      from targets g
      left join lateral (
        select p.day from public.dashboard_contact_days p
        where p.workspace_id = v_workspace and p.campaign_key = g.campaign_key
          and p.contact_email = g.contact_email and p.day < g.day
        order by p.day desc
        limit 1) p on true
    ), moved as (
      update public.dashboard_contact_days t set previous_day = r.new_previous
      from recomputed r
      where t.workspace_id = v_workspace and t.campaign_key = r.campaign_key
        and t.contact_email = r.contact_email and t.day = r.day and r.old_previous <> r.new_previous
      returning r.workspace_id, r.campaign_key, r.day, r.old_previous, r.new_previous
    )
    insert into pg_temp.dashboard_contact_moves select * from moved;
  end loop;

  -- mv_daily_contacts counts contact-days by (scope, day, previous day): move those counts.
  insert into pg_temp.dashboard_contacts_delta
  select workspace_id, campaign_key, day, previous_day, sum(change)
  from (
    select workspace_id, campaign_key, day, previous_day, change from pg_temp.dashboard_contact_changes
    union all
    select workspace_id, campaign_key, day, old_previous, -1 from pg_temp.dashboard_contact_moves
    union all
    select workspace_id, campaign_key, day, new_previous, 1 from pg_temp.dashboard_contact_moves
  ) moves
  group by workspace_id, campaign_key, day, previous_day
  having sum(change) <> 0;

  insert into public.mv_daily_contacts as m (workspace_id, campaign_name, day, previous_day, contacts)
  select workspace_id, case when campaign_key = '' then null else substr(campaign_key, 2) end, day, previous_day, contacts
  from pg_temp.dashboard_contacts_delta
  on conflict (workspace_id, campaign_key, day, previous_day) do update set contacts = m.contacts + excluded.contacts;
  get diagnostics v_rows = row_count;
  -- A count below zero means the state and the view disagreed: fail loudly (a full rebuild repairs).
  if exists (select 1 from pg_temp.dashboard_contacts_delta d
             join public.mv_daily_contacts m
               on m.workspace_id = d.workspace_id and m.campaign_key = d.campaign_key
              and m.day = d.day and m.previous_day = d.previous_day
             where m.contacts < 0) then
    raise exception 'mv_daily_contacts would count fewer than zero contacts: run refresh_dashboard_views(true) to rebuild'
      using errcode = 'XX000';
  end if;
  delete from public.mv_daily_contacts m
  using pg_temp.dashboard_contacts_delta d
  where m.workspace_id = d.workspace_id and m.campaign_key = d.campaign_key
    and m.day = d.day and m.previous_day = d.previous_day and m.contacts = 0;
  return v_rows;
end
$$;
comment on function public.dashboard_refresh_contacts() is
  'Refresh step 3: applies the contact-days that appeared or disappeared in the dirty buckets to dashboard_contact_days (and the chains they change) and moves mv_daily_contacts'' counts; returns rows written.';

-- Step 4. mv_llm_cost recomputed per dirty bucket.
create function public.dashboard_refresh_llm_cost()
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
begin
  create temporary table if not exists dashboard_staged_cost
    (workspace_id text, campaign_name text, provider text, model text, day date,
     total_cost numeric, total_tokens_in bigint, total_tokens_out bigint, call_count bigint) on commit drop;
  truncate pg_temp.dashboard_staged_cost;
  insert into pg_temp.dashboard_staged_cost
  select workspace_id, campaign_name, provider, model, day, sum(cost_usd), sum(tokens_in), sum(tokens_out), count(*)
  from pg_temp.dashboard_staged_llm
  group by workspace_id, campaign_name, provider, model, day;
  analyze pg_temp.dashboard_staged_cost;
  return public.dashboard_merge_buckets('mv_llm_cost', 'dashboard_staged_cost', 'llm_usage');
end
$$;
comment on function public.dashboard_refresh_llm_cost() is
  'Refresh step 4: mv_llm_cost recomputed for the dirty buckets; returns rows written.';

create function public.refresh_dashboard_views(p_full boolean)
returns jsonb
language plpgsql
security definer            -- writes the views and reads the raw tables; callers only need EXECUTE
set search_path = ''
set statement_timeout = '15min'  -- PostgREST (and our Postgres store) hoist this over the role's API timeout
set lock_timeout = '1min'
set work_mem = '256MB'
set maintenance_work_mem = '512MB'  -- index builds of a full rebuild
as $$
declare
  v_started  timestamptz := clock_timestamp();
  v_as_of    timestamptz;
  v_step     timestamptz;
  v_capture  numeric := 0;
  v_buckets  jsonb := '{}'::jsonb;
  v_views    jsonb := '[]'::jsonb;
  v_view     record;
  v_rows     bigint;
  v_full     boolean := p_full;
begin
  -- One refresh at a time: a second caller returns at once instead of queueing behind the first.
  -- The lock is transaction-scoped, so it is released on commit, on error and on disconnect.
  if not pg_catalog.pg_try_advisory_xact_lock(7262025120700002) then
    return jsonb_build_object('status', 'skipped', 'reason', 'another refresh is already running');
  end if;

  -- Every transaction committed before this moment is in what the capture reads (it may read a
  -- little more): the moment the views are current as of.
  v_as_of := clock_timestamp();
  -- Views that hold nothing yet (a new database, or its first seed) are built from scratch: with
  -- every bucket new, a rebuild does the same work several times faster.
  v_full := v_full or (exists (select 1 from public.dashboard_change_log)
                       and not exists (select 1 from public.mv_daily_stats) and not exists (select 1 from public.mv_llm_cost));
  -- With nothing written since the last refresh, the views are current as of now; no row changes.
  if v_full or exists (select 1 from public.dashboard_change_log) then
    perform public.dashboard_refresh_capture(v_full);
    v_capture := round(extract(epoch from clock_timestamp() - v_as_of)::numeric * 1000, 1);
    select coalesce(jsonb_object_agg(source_table, n), '{}'::jsonb) into v_buckets
    from (select source_table, count(*) as n from pg_temp.dashboard_dirty group by source_table) b;
  end if;

  for v_view in select view_name, source_table from public.dashboard_views order by position loop
    v_step := clock_timestamp();
    v_rows := 0;
    if v_full or v_buckets ? v_view.source_table then
      v_rows := case v_view.view_name
        when 'mv_daily_stats' then public.dashboard_refresh_daily_stats()
        when 'mv_daily_contacts' then case when v_full then public.dashboard_rebuild_contacts() else public.dashboard_refresh_contacts() end
        when 'mv_llm_cost' then public.dashboard_refresh_llm_cost()
      end;
    end if;
    v_views := v_views || jsonb_build_object(
      'view_name', v_view.view_name,
      'buckets', coalesce((v_buckets ->> v_view.source_table)::integer, 0),
      'rows_changed', v_rows,
      'duration_ms', round(extract(epoch from clock_timestamp() - v_step)::numeric * 1000, 1));
  end loop;

  -- One log row per view: what it did, and the moment its data is current as of.
  insert into public.dashboard_view_refreshes
    (view_name, started_at, finished_at, duration_ms, current_as_of, buckets, rows_changed, full_rebuild)
  select x.view_name, v_started, clock_timestamp(), x.duration_ms, v_as_of, x.buckets, x.rows_changed, v_full
  from jsonb_to_recordset(v_views) as x(view_name text, buckets integer, rows_changed bigint, duration_ms numeric);

  return jsonb_build_object(
    'status', 'refreshed',
    'full', v_full,
    'started_at', v_started,
    'finished_at', clock_timestamp(),
    'current_as_of', v_as_of,
    'duration_ms', round(extract(epoch from clock_timestamp() - v_started)::numeric * 1000, 1),
    'capture_ms', v_capture,
    'buckets', (select coalesce(sum(value::integer), 0) from jsonb_each_text(v_buckets)),
    'rows_changed', (select coalesce(sum((v ->> 'rows_changed')::bigint), 0) from jsonb_array_elements(v_views) v),
    'views', v_views);
end
$$;
comment on function public.refresh_dashboard_views(boolean) is
  'Brings every dashboard view up to date in one transaction (all or nothing). p_full false: recomputes only the (workspace, UTC day) buckets in dashboard_change_log (or rebuilds, when the views are still empty); true: rebuilds everything from the raw tables (repair). One refresh at a time: a call while another runs returns {status: skipped} at once. Returns {status, full, current_as_of, duration_ms, capture_ms, buckets, rows_changed, views: [{view_name, buckets, rows_changed, duration_ms}]}.';

create or replace function public.refresh_dashboard_views()
returns jsonb
language sql
security definer
set search_path = ''
as $$
  select public.refresh_dashboard_views(false)
$$;
comment on function public.refresh_dashboard_views() is
  'Incremental refresh: recomputes the (workspace, UTC day) buckets written since the last refresh (see refresh_dashboard_views(boolean)).';

-- ---------------------------------------------------------------------------------------------
-- Freshness
-- ---------------------------------------------------------------------------------------------

-- The signature gains pending_buckets, so the function is replaced rather than redefined.
drop function public.get_view_freshness();

create or replace function public.dashboard_view_freshness(p_workspace_id text)
returns table (view_name text, last_refreshed timestamptz, age_seconds integer, pending_buckets integer)
language plpgsql
stable
security definer            -- reads the refresh and change logs, which the API roles cannot
set search_path = ''
as $$
begin
  return query
  select v.view_name,
         r.current_as_of,
         case when r.current_as_of is not null
              then greatest(0, floor(extract(epoch from statement_timestamp() - r.current_as_of)))::integer end,
         coalesce(p.n, 0)::integer
  from public.dashboard_views v
  left join lateral (
    select l.current_as_of from public.dashboard_view_refreshes l
    where l.view_name = v.view_name
    order by l.finished_at desc
    limit 1
  ) r on true
  left join (
    select b.source_table, count(*) as n
    from (select distinct c.source_table, c.workspace_id, c.day from public.dashboard_change_log c
          where p_workspace_id is null or c.workspace_id = p_workspace_id) b
    group by b.source_table
  ) p on p.source_table = v.source_table
  order by v.position;
end
$$;
comment on function public.dashboard_view_freshness(text) is
  'Per dashboard view: the moment its data is current as of (null: never refreshed), its age in seconds, and the (workspace, day) buckets written since (of one workspace, or all when null).';

create function public.get_view_freshness()
returns table (view_name text, last_refreshed timestamptz, age_seconds integer, pending_buckets integer)
language sql
stable
security definer
set search_path = ''
as $$
  select * from public.dashboard_view_freshness(null)
$$;
comment on function public.get_view_freshness() is
  'One row per dashboard view: the moment its data is current as of (null if never refreshed), how many seconds ago, and how many (workspace, day) buckets wait for the next refresh.';

-- ---------------------------------------------------------------------------------------------
-- Privileges: only the server (service_role, or the owner) reaches any of this. Supabase's default
-- privileges would otherwise hand new tables and functions to anon and authenticated.
-- ---------------------------------------------------------------------------------------------

alter table public.dashboard_views         enable row level security;
alter table public.dashboard_change_log    enable row level security;
alter table public.mv_daily_stats          enable row level security;
alter table public.mv_daily_contacts       enable row level security;
alter table public.mv_llm_cost             enable row level security;
alter table public.dashboard_contact_days  enable row level security;

revoke all on table public.dashboard_views, public.dashboard_change_log, public.mv_daily_stats, public.mv_daily_contacts,
  public.mv_llm_cost, public.dashboard_contact_days from public, anon, authenticated;
-- The identity sequences too, of this migration's table and of the earlier ones (Supabase's default
-- privileges granted anon and authenticated USAGE on them).
do $$
declare
  v_sequence text;
begin
  for v_sequence in
    select pg_catalog.pg_get_serial_sequence(format('public.%I', t), 'id')
    from unnest(array['email_events', 'llm_usage', 'daily_stats', 'dashboard_view_refreshes', 'dashboard_change_log']) t
  loop
    execute format('revoke all on sequence %s from public, anon, authenticated', v_sequence);
  end loop;
end
$$;
grant select on table public.mv_daily_stats, public.mv_daily_contacts, public.mv_llm_cost, public.dashboard_views,
  public.dashboard_change_log to service_role;

revoke all on function public.dashboard_log_email_changes(), public.dashboard_log_llm_changes(),
  public.dashboard_refresh_capture(boolean), public.dashboard_merge_buckets(text, text, text),
  public.dashboard_refresh_daily_stats(), public.dashboard_rebuild_contacts(), public.dashboard_refresh_contacts(),
  public.dashboard_refresh_llm_cost(), public.refresh_dashboard_views(boolean), public.refresh_dashboard_views(),
  public.dashboard_view_freshness(text), public.get_view_freshness() from public, anon, authenticated;
grant execute on function public.refresh_dashboard_views(boolean), public.refresh_dashboard_views(),
  public.dashboard_view_freshness(text), public.get_view_freshness() to service_role;

-- Fill the new tables from the raw rows (the first full rebuild) and record it as a refresh.
select public.refresh_dashboard_views(true);
