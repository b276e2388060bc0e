-- Every workspace sees its own day, and a refresh costs what was written, not the days it landed on.
--
--   * workspace_settings: one IANA time zone per workspace (UTC without a row). Every bucket of the
--     maintained tables is the workspace's local calendar day; week buckets start on its local
--     Monday, months on its local 1st. A change of zone rebuilds that workspace, and only it.
--   * Change tracking in three logs, written by the raw tables' statement triggers:
--       dashboard_appends       INSERTs: the id runs of the new rows per workspace (exact, no days)
--       dashboard_change_log    UPDATEs and DELETEs: the UTC hours of the rows they touched
--       dashboard_truncations   TRUNCATEs
--   * refresh_dashboard_views() adds appended rows to the views as deltas (counts, costs, steps and
--     exact unique contacts: only the batch's contacts are looked up); recomputes the local days of
--     updates and deletes; rebuilds a workspace whose zone changed, that is new, or whose pending
--     change is large next to what it holds; and rebuilds a whole view after a TRUNCATE.
--   * Readers never wait for maintenance: every write to the views is row by row (a rebuild computes
--     the new rows beside the old and writes only the difference, no TRUNCATE, no DDL), and source mv
--     reads only the maintained tables (not the raw tables, not the per-contact state), so neither a
--     rebuild nor a producer's open TRUNCATE stands in its way.
--   * The refresh's temporary tables are dropped and made fresh on every call: a table of the same
--     name made by the caller beforehand (with a trigger, say) can no longer run the caller's code as
--     the function's owner.
--
-- Every key still leads with workspace_id and every statement stays within the rows of the
-- workspaces or buckets it names, so the tables stay distributable by workspace_id (Citus).

do $$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'citus') then
    set local citus.multi_shard_modify_mode = 'sequential';
    -- The new change-tracking triggers run on each shard of the raw tables (see 20251221000001).
    set local citus.enable_unsafe_triggers = on;
  end if;
end
$$;

-- The change log changes shape below: what it holds now is consumed first, by the refresh it was
-- written for (all UTC days: every workspace was UTC until this migration).
do $$
begin
  perform pg_catalog.pg_advisory_xact_lock(7262025120700002);
  if exists (select 1 from public.dashboard_change_log) then
    perform public.refresh_dashboard_views(false);
  end if;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- 1. Time zones
-- ---------------------------------------------------------------------------------------------

create function public.dashboard_check_time_zone(p_time_zone text)
returns boolean
language plpgsql
stable
set search_path = ''
as $$
begin
  -- Names only, spelt as PostgreSQL lists them: no abbreviation (EDT, CEST: they name an offset,
  -- not the rules of a place) and no POSIX string (UTC+5, whose sign is the opposite of ISO 8601's).
  if p_time_zone is null or not exists (select 1 from pg_catalog.pg_timezone_names n where n.name = p_time_zone) then
    raise exception 'unknown time zone "%"', p_time_zone
      using errcode = '22023',
            hint = 'Use an IANA time zone name listed in pg_timezone_names, such as America/New_York or Asia/Kolkata (not an abbreviation like EDT, nor a POSIX string like UTC+5).';
  end if;
  return true;
end
$$;
comment on function public.dashboard_check_time_zone(text) is
  'true for an IANA time zone name listed in pg_timezone_names; otherwise raises 22023 naming the value (the check of workspace_settings.time_zone).';

create table public.workspace_settings (
  workspace_id text primary key check (workspace_id <> ''),
  time_zone    text not null default 'UTC' constraint workspace_settings_time_zone_check check (public.dashboard_check_time_zone(time_zone))
);
comment on table public.workspace_settings is
  'Per-workspace settings. time_zone: the IANA zone whose local calendar days cut every bucket of the workspace (UTC when the workspace has no row). Writing it directly is supported: the next refresh rebuilds that workspace in the new zone.';
comment on column public.workspace_settings.time_zone is
  'An IANA name from pg_timezone_names (America/New_York, Asia/Kolkata); never an abbreviation or a POSIX string.';

-- The first instant of a local calendar day. `day::timestamp at time zone zone` is that instant except
-- where the clocks go back across midnight (Havana, Casey, ...): PostgreSQL then takes the later of
-- the two midnights, an hour or more into the day. The earlier one is found from the offset four hours
-- before (no zone changes its offset twice within four hours), and kept only if it is on that day.
-- Checked for every zone of pg_timezone_names and every day from 1970 to 2040.
create function public.dashboard_day_start(p_day date, p_time_zone text)
returns timestamptz
language sql
immutable
set search_path = ''
as $$
  select case when (y.earlier at time zone p_time_zone)::date = p_day then y.earlier else y.b end
  from (
    select x.b,
           x.b - greatest(interval '0',
                          (((x.b - interval '4 hours') at time zone p_time_zone) - ((x.b - interval '4 hours') at time zone 'UTC'))
                          - ((x.b at time zone p_time_zone) - (x.b at time zone 'UTC'))) as earlier
    from (select p_day::timestamp at time zone p_time_zone as b) x
  ) y
$$;
comment on function public.dashboard_day_start(date, text) is
  'The first instant of a local calendar day in an IANA zone (exact on days whose clocks go back across midnight). Local day d of a zone is [dashboard_day_start(d, z), dashboard_day_start(d + 1, z)).';

-- ---------------------------------------------------------------------------------------------
-- 2. What the views hold per workspace
-- ---------------------------------------------------------------------------------------------

create table public.dashboard_workspace_state (
  workspace_id text        not null primary key,
  time_zone    text        not null,
  version      bigint      not null,
  email_events bigint      not null default 0,
  llm_calls    bigint      not null default 0,
  refreshed_at timestamptz not null
);
comment on table public.dashboard_workspace_state is
  'Per workspace, as the maintained views hold it: the zone its days are cut in (the settings'' zone as of the refresh that last rebuilt it), a version that moves whenever a refresh changes its rows (the ETag basis of source mv), and how many raw rows the views count (the refresh''s measure of a large change). Written by refresh_dashboard_views().';
comment on column public.dashboard_workspace_state.time_zone is 'The zone the workspace''s rows in the views are cut in.';
comment on column public.dashboard_workspace_state.version is 'Moves whenever a refresh writes any of the workspace''s rows in the views.';

insert into public.dashboard_workspace_state (workspace_id, time_zone, version, email_events, llm_calls, refreshed_at)
select w.workspace_id, 'UTC', (extract(epoch from now()) * 1000000)::bigint,
       coalesce(e.n, 0), coalesce(l.n, 0), now()
from (select workspace_id from public.mv_daily_stats union select workspace_id from public.mv_llm_cost) w
left join (select workspace_id, sum(sends + opens + clicks + replies + bounces + opt_outs) as n
           from public.mv_daily_stats group by workspace_id) e using (workspace_id)
left join (select workspace_id, sum(call_count) as n from public.mv_llm_cost group by workspace_id) l using (workspace_id);

-- Covering indexes for the answers: a 30-day answer reads a few dozen index pages (index-only scans)
-- instead of one heap page per row (rows of one workspace are spread over the tables, written bucket
-- by bucket over time). It brings the daily answer back to the speed it had before buckets and
-- comparisons arrived (measured side by side; README).
-- (One subcommand per ALTER TABLE: Citus runs no other subcommand beside ADD CONSTRAINT.)
alter table public.mv_daily_contacts drop constraint mv_daily_contacts_pkey;
alter table public.mv_daily_contacts
  add constraint mv_daily_contacts_pkey primary key (workspace_id, campaign_key, day, previous_day) include (contacts);
comment on index public.mv_daily_contacts_pkey is 'unique contacts of one scope over a day range (index-only); refresh updates by key';
alter table public.mv_llm_cost drop constraint mv_llm_cost_pkey;
alter table public.mv_llm_cost
  add constraint mv_llm_cost_pkey primary key (workspace_id, day, campaign_key, provider, model)
    include (total_cost, total_tokens_in, total_tokens_out, call_count);
comment on index public.mv_llm_cost_pkey is 'workspace LLM cost over a day range (index-only); refresh: rows of one bucket';
drop index public.mv_daily_stats_workspace_day_idx;
create index mv_daily_stats_workspace_day_idx on public.mv_daily_stats (workspace_id, day)
  include (campaign_name, sends, opens, clicks, replies, bounces, opt_outs, email_1_sends, email_2_sends, email_3_sends,
           email_4_sends, email_5_sends, later_step_sends);
comment on index public.mv_daily_stats_workspace_day_idx is
  'dashboard: a workspace over a day range (index-only, every figure included); refresh: rows of one bucket';

-- ---------------------------------------------------------------------------------------------
-- 3. Change tracking
-- ---------------------------------------------------------------------------------------------

drop trigger email_events_log_inserts on public.email_events;
drop trigger email_events_log_updates on public.email_events;
drop trigger email_events_log_deletes on public.email_events;
drop trigger email_events_log_truncates on public.email_events;
drop trigger llm_usage_log_inserts on public.llm_usage;
drop trigger llm_usage_log_updates on public.llm_usage;
drop trigger llm_usage_log_deletes on public.llm_usage;
drop trigger llm_usage_log_truncates on public.llm_usage;
drop table public.dashboard_change_log;

-- Appended rows, as the runs of consecutive ids one statement added to one workspace: the refresh
-- and live answers read exactly those rows (never a whole day), and no day is computed at write time.
create table public.dashboard_appends (
  workspace_id text        not null,
  source_table text        not null check (source_table in ('email_events', 'llm_usage')),
  first_id     bigint      not null,
  last_id      bigint      not null,
  quarter_hours timestamp[] not null,
  ids          bigint[],
  id           bigint      generated always as identity,
  primary key (workspace_id, id)
);
comment on table public.dashboard_appends is
  'Rows inserted since the last refresh: per statement and workspace, each run of consecutive ids (first_id..last_id: exactly the rows that statement added to that workspace), or, when they fall in many runs, their first and last id with the list of them (ids); with the UTC quarter hours their event_ts/created_at fall in (which local days they touch, in any zone). Consumed by refresh_dashboard_views(), which adds those rows to the views as deltas.';
comment on column public.dashboard_appends.ids is 'null: every row of the workspace with an id from first_id to last_id is the statement''s; else exactly these ids.';
comment on column public.dashboard_appends.quarter_hours is
  'The starts (UTC wall times) of the quarter hours holding the rows'' event_ts / created_at: every zone''s offset is a whole number of quarter hours, so each lies on one local day of any zone (pending buckets, without reading the rows).';
comment on index public.dashboard_appends_pkey is 'pending appends of one workspace (live answers, freshness, the refresh)';

-- Updated and deleted rows, as the UTC hours they were in (before and after an update): the refresh
-- recomputes the local days those hours fall on, in whatever zone the workspace has then.
create table public.dashboard_change_log (
  workspace_id text      not null,
  source_table text      not null check (source_table in ('email_events', 'llm_usage')),
  utc_hour     timestamp not null,
  id           bigint    generated always as identity,
  primary key (workspace_id, utc_hour, id)
);
comment on table public.dashboard_change_log is
  'Rows updated or deleted since the last refresh: one row per statement, workspace and UTC hour (utc_hour: the hour''s start as a UTC wall time) they were in. The refresh recomputes the workspace''s local days holding those hours.';
comment on column public.dashboard_change_log.utc_hour is 'The start of the UTC hour (UTC wall time) holding event_ts / created_at of a changed row, before or after the change.';
comment on index public.dashboard_change_log_pkey is 'pending changes of one workspace and hour range (live answers, freshness, the refresh)';

-- A TRUNCATE empties a whole raw table: the next refresh rebuilds the views fed by it.
create table public.dashboard_truncations (
  id           bigint      generated always as identity primary key,
  source_table text        not null check (source_table in ('email_events', 'llm_usage')),
  truncated_at timestamptz not null default now()
);
comment on table public.dashboard_truncations is
  'TRUNCATEs of a raw table since the last refresh; the next refresh rebuilds every view fed by that table.';

-- One trigger function for both raw tables (TG_TABLE_NAME says which); written in two static forms
-- would mean two copies of it. The statement's rows are read into arrays first and inserted by a
-- second statement: on Citus this trigger runs on each shard, where a statement that reads a
-- transition table and writes a distributed table cannot be planned.
create function public.dashboard_track_changes()
returns trigger
language plpgsql
security definer            -- writers need no privilege on the logs
set search_path = ''
as $$
declare
  v_source     text := case when tg_table_name like 'llm\_usage%' then 'llm_usage' else 'email_events' end;
  v_workspaces text[];
  v_ids        bigint[];
  v_at         timestamptz[];
  v_hours      timestamp[];
begin
  if tg_op = 'INSERT' then
    if v_source = 'email_events' then
      select array_agg(n.workspace_id), array_agg(n.id), array_agg(n.event_ts) into v_workspaces, v_ids, v_at from new_rows n;
    else
      select array_agg(n.workspace_id), array_agg(n.id), array_agg(n.created_at) into v_workspaces, v_ids, v_at from new_rows n;
    end if;
    -- A producer writing one event per statement: one run of one row, logged without the query below.
    if pg_catalog.cardinality(v_ids) = 1 then
      insert into public.dashboard_appends (workspace_id, source_table, first_id, last_id, quarter_hours, ids)
      values (v_workspaces[1], v_source, v_ids[1], v_ids[1],
              array[date_bin('15 minutes', v_at[1], timestamptz '2000-01-01 00:00+00') at time zone 'UTC'], null);
      return null;
    end if;
    -- The statement's runs of consecutive ids (id minus its rank is constant along a run), then the
    -- rows of each workspace within each run: every id from a workspace's first to its last id in a
    -- run belongs to this statement, so "that workspace's rows with ids in that range" are exactly
    -- its new rows, even when the workspaces' rows interleave. A workspace whose rows fall in many
    -- runs (concurrent writers taking ids in turn; on Citus, where each shard sees its own rows
    -- only) is logged once, with the list of its ids.
    insert into public.dashboard_appends (workspace_id, source_table, first_id, last_id, quarter_hours, ids)
    with n as (
      select n.workspace_id, n.id, date_bin('15 minutes', n.at, timestamptz '2000-01-01 00:00+00') at time zone 'UTC' as quarter
      from unnest(v_workspaces, v_ids, v_at) as n(workspace_id, id, at)
    ), runs as (
      select r.workspace_id, min(r.id) as first_id, max(r.id) as last_id, array_agg(distinct r.quarter) as quarter_hours,
             count(*) over (partition by r.workspace_id) as runs
      from (select n.workspace_id, n.id, n.quarter, n.id - row_number() over (order by n.id) as run from n) r
      group by r.workspace_id, r.run
    )
    select r.workspace_id, v_source, r.first_id, r.last_id, r.quarter_hours, null
    from runs r where r.runs <= 8
    union all
    select n.workspace_id, v_source, min(n.id), max(n.id), array_agg(distinct n.quarter), array_agg(n.id order by n.id)
    from n where n.workspace_id in (select r.workspace_id from runs r where r.runs > 8)
    group by n.workspace_id;
    return null;
  end if;

  if tg_op = 'TRUNCATE' then
    -- Logged once, by the trigger of the table itself: on Citus this trigger also fires for each
    -- shard (a table named <table>_<shard id>).
    if tg_relid in ('public.email_events'::regclass, 'public.llm_usage'::regclass) then
      insert into public.dashboard_truncations (source_table) values (v_source);
    end if;
    return null;
  end if;

  if v_source = 'email_events' then
    if tg_op = 'DELETE' then
      select array_agg(c.workspace_id), array_agg(c.utc_hour) into v_workspaces, v_hours
      from (select distinct workspace_id, date_trunc('hour', event_ts at time zone 'UTC') as utc_hour from old_rows) c;
    else
      select array_agg(c.workspace_id), array_agg(c.utc_hour) into v_workspaces, v_hours
      from (select workspace_id, date_trunc('hour', event_ts at time zone 'UTC') as utc_hour from old_rows
            union
            select workspace_id, date_trunc('hour', event_ts at time zone 'UTC') from new_rows) c;
    end if;
  else
    if tg_op = 'DELETE' then
      select array_agg(c.workspace_id), array_agg(c.utc_hour) into v_workspaces, v_hours
      from (select distinct workspace_id, date_trunc('hour', created_at at time zone 'UTC') as utc_hour from old_rows) c;
    else
      select array_agg(c.workspace_id), array_agg(c.utc_hour) into v_workspaces, v_hours
      from (select workspace_id, date_trunc('hour', created_at at time zone 'UTC') as utc_hour from old_rows
            union
            select workspace_id, date_trunc('hour', created_at at time zone 'UTC') from new_rows) c;
    end if;
  end if;
  insert into public.dashboard_change_log (workspace_id, source_table, utc_hour)
  select c.workspace_id, v_source, c.utc_hour from unnest(v_workspaces, v_hours) as c(workspace_id, utc_hour);
  return null;
end
$$;
comment on function public.dashboard_track_changes() is
  'Statement trigger on email_events and llm_usage: logs appended id runs (INSERT), the UTC hours of updated or deleted rows (UPDATE, DELETE), or the TRUNCATE, for refresh_dashboard_views().';

-- CASCADE for Citus only: it does not pass a DROP TRIGGER of a TRUNCATE trigger on to the shards,
-- so the shards' copies of the old truncate triggers still name these functions (elsewhere the
-- triggers are gone above and nothing else depends on them).
drop function public.dashboard_log_email_changes() cascade;
drop function public.dashboard_log_llm_changes() cascade;

create trigger email_events_track_inserts after insert on public.email_events
  referencing new table as new_rows for each statement execute function public.dashboard_track_changes();
create trigger email_events_track_updates after update on public.email_events
  referencing old table as old_rows new table as new_rows for each statement execute function public.dashboard_track_changes();
create trigger email_events_track_deletes after delete on public.email_events
  referencing old table as old_rows for each statement execute function public.dashboard_track_changes();
create trigger email_events_track_truncates after truncate on public.email_events
  for each statement execute function public.dashboard_track_changes();
create trigger llm_usage_track_inserts after insert on public.llm_usage
  referencing new table as new_rows for each statement execute function public.dashboard_track_changes();
create trigger llm_usage_track_updates after update on public.llm_usage
  referencing old table as old_rows new table as new_rows for each statement execute function public.dashboard_track_changes();
create trigger llm_usage_track_deletes after delete on public.llm_usage
  referencing old table as old_rows for each statement execute function public.dashboard_track_changes();
create trigger llm_usage_track_truncates after truncate on public.llm_usage
  for each statement execute function public.dashboard_track_changes();

-- Events at ±infinity belong to no day: refused from now on (rows already there are left alone and
-- counted by no path). Validated where no such row exists.
alter table public.email_events add constraint email_events_event_ts_finite check (pg_catalog.isfinite(event_ts)) not valid;
alter table public.llm_usage add constraint llm_usage_created_at_finite check (pg_catalog.isfinite(created_at)) not valid;
do $$
begin
  begin
    alter table public.email_events validate constraint email_events_event_ts_finite;
  exception when check_violation then
    raise notice 'email_events holds rows at ±infinity: kept, counted by no dashboard path; new ones are refused';
  end;
  begin
    alter table public.llm_usage validate constraint llm_usage_created_at_finite;
  exception when check_violation then
    raise notice 'llm_usage holds rows at ±infinity: kept, counted by no dashboard path; new ones are refused';
  end;
end
$$;

-- Rows written into a table that inherits from a raw table would reach the dashboard's reads without
-- passing the change-tracking triggers (they fire on the table written). Such writes are refused.
-- On Citus a distributed table cannot be inherited from, and the shards' own table ids would fail
-- this check, so it is left out there.
do $$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'citus') then
    return;
  end if;
  alter table public.email_events add constraint email_events_written_directly
    check (tableoid = 'public.email_events'::regclass) not valid;
  alter table public.llm_usage add constraint llm_usage_written_directly
    check (tableoid = 'public.llm_usage'::regclass) not valid;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- 4. The refresh
-- ---------------------------------------------------------------------------------------------
--
--   refresh_dashboard_views(p_full)        one at a time, one transaction
--     dashboard_refresh_tables()            fresh temporary tables (pg_temp.dashboard_*)
--     dashboard_refresh_plan(p_full)        which workspaces are rebuilt, in which zone, and why
--     dashboard_refresh_capture(...)        ONE statement, so one snapshot: consumes the logs and
--                                           copies the rows to apply: every row of a rebuilt
--                                           workspace, the rows of each recomputed local day, and the
--                                           appended rows elsewhere (deltas)
--     dashboard_refresh_daily_stats()       mv_daily_stats: buckets replaced, deltas added
--     dashboard_refresh_contacts()          per-contact state and mv_daily_contacts
--     dashboard_refresh_llm_cost()          mv_llm_cost: buckets replaced, deltas added
--     dashboard_refresh_workspaces(...)     dashboard_workspace_state of every workspace written
--
-- Deltas are exact because an appended row is counted once: its run's log row and the row itself
-- commit together, so the capture's snapshot holds both or neither, and it consumes the log rows it
-- sees. A writer committing meanwhile leaves its log rows for the next refresh. A row appended to a
-- day that is recomputed in the same refresh is counted by the recomputation only.

drop function public.dashboard_refresh_capture(boolean);
drop function public.dashboard_rebuild_contacts();

-- A workspace is rebuilt (its rows recomputed from all its raw rows, beside the old ones, and only
-- the difference written) when applying the pending change row by row would cost more: its pending
-- rows, weighed, exceed this share of the rows the views hold for it. Removing a contact-day row by
-- row costs about five times building it in a rebuild, hence a quarter for the rows of recomputed
-- days; an appended row costs about 1.5 times (measured at 1M events: 80 us a row as a delta, 53 us a
-- held row in a rebuild), so appended rows weigh 0.4 and a workspace is rebuilt for appends past
-- about 60 % of what it holds. The setting dashboard.rebuild_share overrides the share for a session
-- (the tests use it to drive either path).
create function public.dashboard_rebuild_share()
returns numeric
language sql
stable
set search_path = ''
as $$ select coalesce(nullif(pg_catalog.current_setting('dashboard.rebuild_share', true), '')::numeric, 0.25) $$;
comment on function public.dashboard_rebuild_share() is
  'The refresh rebuilds a workspace (per source table) when its pending rows exceed this share of the rows the views hold for it (0.25; the setting dashboard.rebuild_share overrides it).';

-- The temporary tables of one refresh, made fresh on every call. Anything of the same name the caller
-- made in this session's temporary schema beforehand is dropped first: a table with a trigger of the
-- caller's would otherwise run the caller's code with this function's privileges.
create function public.dashboard_refresh_tables()
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_object record;
begin
  for v_object in
    select c.relname, c.relkind from pg_catalog.pg_class c
    where c.relnamespace = pg_catalog.pg_my_temp_schema() and c.relname like 'dashboard\_%' and c.relkind <> 'i'
  loop
    execute format('drop %s pg_temp.%I cascade',
      case v_object.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence'
                            when 'f' then 'foreign table' when 'c' then 'type' else 'table' end,
      v_object.relname);
  end loop;

  create temporary table dashboard_plan
    (workspace_id text primary key, time_zone text not null, email_rebuild boolean not null, llm_rebuild boolean not null,
     reason text not null) on commit drop;
  create temporary table dashboard_zones (workspace_id text primary key, time_zone text not null) on commit drop;
  create temporary table dashboard_rebuilt (source_table text not null, workspace_id text not null) on commit drop;
  create temporary table dashboard_dirty
    (source_table text not null, workspace_id text not null, day date not null, starts timestamptz, ends timestamptz,
     rebuilt boolean not null default false) on commit drop;
  create temporary table dashboard_staged_email
    (workspace_id text, campaign_name text, contact_email text, event_type text, email_number smallint, day date, delta boolean)
    on commit drop;
  create temporary table dashboard_staged_llm
    (workspace_id text, campaign_name text, provider text, model text, day date, cost_usd numeric, tokens_in integer,
     tokens_out integer, delta boolean) on commit drop;
  create temporary table dashboard_staged_contacts
    (workspace_id text, campaign_key text, contact_email text, day date, delta boolean) on commit drop;
  create temporary table dashboard_staged_stats (like public.mv_daily_stats) on commit drop;
  create temporary table dashboard_delta_stats (like public.mv_daily_stats) on commit drop;
  create temporary table dashboard_staged_cost
    (workspace_id text, campaign_name text, provider text, model text, day date,
     total_cost numeric, total_tokens_in bigint, total_tokens_out bigint, call_count bigint) on commit drop;
  create temporary table dashboard_delta_cost (like pg_temp.dashboard_staged_cost) on commit drop;
  create temporary table dashboard_contact_changes
    (workspace_id text, campaign_key text, contact_email text, day date, previous_day date, change integer) on commit drop;
  create temporary table dashboard_contact_moves
    (workspace_id text, campaign_key text, day date, old_previous date, new_previous date) on commit drop;
  create temporary table dashboard_contacts_delta
    (workspace_id text, campaign_key text, day date, previous_day date, contacts bigint) on commit drop;
  create temporary table dashboard_new_chains
    (workspace_id text, campaign_key text, contact_email text, day date, previous_day date) on commit drop;
  create temporary table dashboard_staged_daily_contacts
    (workspace_id text, campaign_name text, day date, previous_day date, contacts bigint) on commit drop;
  create temporary table dashboard_counts
    (workspace_id text, source_table text, rebuilt boolean, n bigint) on commit drop;
  create temporary table dashboard_delta_workspaces (workspace_id text, last_day date) on commit drop;
  create temporary table dashboard_contact_fast
    (workspace_id text, campaign_key text, contact_email text, day date, previous_day date) on commit drop;
  create temporary table dashboard_delta_probes
    (workspace_id text, campaign_key text, contact_email text, day date, found_day date) on commit drop;
end
$$;
comment on function public.dashboard_refresh_tables() is
  'Refresh step 0: drops whatever this session holds under the refresh''s temporary names and creates its temporary tables afresh (dropped at commit).';

-- Which workspaces the refresh rebuilds (per source table), in which zone, and why; the whole of a
-- source table when asked (p_full), when it was truncated, or when the views hold nothing yet.
-- Decided before the capture, from what is pending now: a change committed in between is applied
-- the ordinary way (a workspace's plan only decides how, never whether, its rows are applied).
create function public.dashboard_refresh_plan(p_full boolean)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_truncations bigint[];
  v_email_all   boolean;
  v_llm_all     boolean;
  v_reason      text;
begin
  select coalesce(array_agg(t.id), '{}'), coalesce(bool_or(t.source_table = 'email_events'), false),
         coalesce(bool_or(t.source_table = 'llm_usage'), false)
    into v_truncations, v_email_all, v_llm_all
  from public.dashboard_truncations t;
  v_reason := case
    when p_full then 'requested'
    when v_email_all or v_llm_all then 'truncated'
    when not exists (select 1 from public.dashboard_workspace_state) then 'views empty' end;
  if v_reason in ('requested', 'views empty') then
    v_email_all := true;
    v_llm_all := true;
  end if;

  if v_email_all or v_llm_all then
    -- Every known workspace, with the zone it is rebuilt in (a workspace met for the first time in the
    -- raw rows has neither a state nor a setting: UTC).
    insert into pg_temp.dashboard_plan (workspace_id, time_zone, email_rebuild, llm_rebuild, reason)
    select w.workspace_id, coalesce(st.time_zone, 'UTC'), v_email_all, v_llm_all, v_reason
    from (select workspace_id from public.dashboard_workspace_state union select workspace_id from public.workspace_settings) w
    left join public.workspace_settings st on st.workspace_id = w.workspace_id;
  end if;

  -- The other workspaces with pending changes or a new zone, and whether each is rebuilt.
  insert into pg_temp.dashboard_plan (workspace_id, time_zone, email_rebuild, llm_rebuild, reason)
  with appended as (
    select a.workspace_id, a.source_table, sum(coalesce(cardinality(a.ids), a.last_id - a.first_id + 1)) as n
    from public.dashboard_appends a group by a.workspace_id, a.source_table
  ), changed_days as (
    select distinct c.workspace_id, c.source_table, d.day
    from public.dashboard_change_log c
    left join public.dashboard_workspace_state s on s.workspace_id = c.workspace_id
    cross join lateral (values (((c.utc_hour at time zone 'UTC') at time zone coalesce(s.time_zone, 'UTC'))::date),
                               ((((c.utc_hour + interval '59 minutes 59.999999 seconds') at time zone 'UTC')
                                 at time zone coalesce(s.time_zone, 'UTC'))::date)) d(day)
    where pg_catalog.isfinite(c.utc_hour)
  ), changed as (
    -- The rows the views hold on those days: what a recomputation re-reads and may unwind.
    select d.workspace_id, d.source_table, sum(coalesce(m.n, 0)) as n
    from changed_days d
    left join lateral (
      select sum(x.sends + x.opens + x.clicks + x.replies + x.bounces + x.opt_outs) as n
      from public.mv_daily_stats x where d.source_table = 'email_events' and x.workspace_id = d.workspace_id and x.day = d.day
      union all
      select sum(x.call_count) from public.mv_llm_cost x where d.source_table = 'llm_usage' and x.workspace_id = d.workspace_id and x.day = d.day
    ) m on true
    group by d.workspace_id, d.source_table
  ), pending as (
    -- Weighed by what applying them costs (see dashboard_rebuild_share()).
    select p.workspace_id,
           sum(p.n) filter (where p.source_table = 'email_events') as email,
           sum(p.n) filter (where p.source_table = 'llm_usage') as llm
    from (select a.workspace_id, a.source_table, a.n * 0.4 as n from appended a union all select * from changed) p
    group by p.workspace_id
  ), candidates as (
    select p.workspace_id, p.email, p.llm from pending p
    union all
    -- a workspace whose zone was changed since the views were cut
    select s.workspace_id, null, null
    from public.dashboard_workspace_state s
    left join public.workspace_settings st on st.workspace_id = s.workspace_id
    where s.time_zone <> coalesce(st.time_zone, 'UTC')
  ), decided as (
    select c.workspace_id, coalesce(st.time_zone, 'UTC') as time_zone,
           s.time_zone is distinct from coalesce(st.time_zone, 'UTC') and s.workspace_id is not null as zone_changed,
           s.workspace_id is null as new_workspace,
           max(c.email) as email, max(c.llm) as llm, max(s.email_events) as email_held, max(s.llm_calls) as llm_held
    from candidates c
    left join public.dashboard_workspace_state s on s.workspace_id = c.workspace_id
    left join public.workspace_settings st on st.workspace_id = c.workspace_id
    group by c.workspace_id, st.time_zone, s.time_zone, s.workspace_id
  )
  select d.workspace_id, d.time_zone,
         d.zone_changed or (d.email is not null and (d.new_workspace or d.email > d.email_held * public.dashboard_rebuild_share())),
         d.zone_changed or (d.llm is not null and (d.new_workspace or d.llm > d.llm_held * public.dashboard_rebuild_share())),
         case when d.zone_changed then 'time zone changed' when d.new_workspace then 'new workspace' else 'large change' end
  from decided d
  where not exists (select 1 from pg_temp.dashboard_plan p where p.workspace_id = d.workspace_id)
    and (d.zone_changed or d.new_workspace
         or d.email > d.email_held * public.dashboard_rebuild_share() or d.llm > d.llm_held * public.dashboard_rebuild_share());
  analyze pg_temp.dashboard_plan;

  return jsonb_build_object('truncations', to_jsonb(v_truncations), 'email_all', v_email_all, 'llm_all', v_llm_all,
                            'reason', v_reason);
end
$$;
comment on function public.dashboard_refresh_plan(boolean) is
  'Refresh step 1: fills pg_temp.dashboard_plan with the workspaces rebuilt (new, zone changed, or a pending change over dashboard_rebuild_share() of what the views hold), each with its zone; returns {truncations, email_all, llm_all, reason} (a source table rebuilt whole when asked, truncated, or when the views are empty).';

-- Step 2. One statement, so one snapshot: the log rows consumed and the raw rows copied are the same
-- committed transactions, for every view. Dynamic SQL, so each refresh is planned for what it does (a
-- whole table read only when a view is rebuilt whole).
create function public.dashboard_refresh_capture(p_email_all boolean, p_llm_all boolean, p_truncations bigint[])
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_rows    bigint;
  v_seqscan text := pg_catalog.current_setting('enable_seqscan');
  -- The rows of an appended run: one range of the primary key (workspace_id, id). In a subquery the
  -- planner cannot pull up: joined directly, it took the workspace from the zones and scanned the
  -- whole workspace. Citus cannot plan that lateral subquery (OFFSET needs a merge step); there the
  -- join form is sent to each shard with the runs, where the key range is used.
  v_run     text := case
    when exists (select 1 from pg_catalog.pg_extension where extname = 'citus') then
      'join public.%1$I %2$s on %2$s.workspace_id = a.workspace_id and %2$s.id between a.first_id and a.last_id
         and (a.ids is null or %2$s.id = any(a.ids))'
    else
      'cross join lateral (
        select %2$s.* from public.%1$I %2$s
        where %2$s.workspace_id = a.workspace_id and %2$s.id between a.first_id and a.last_id and (a.ids is null or %2$s.id = any(a.ids))
        offset 0) %2$s'
    end;
begin
  -- One index range per recomputed day and per appended run, never a scan of a workspace: joined to
  -- lists made in the same statement, the planner cannot tell how few rows they are.
  if not (p_email_all or p_llm_all) then
    perform pg_catalog.set_config('enable_seqscan', 'off', true);
  end if;
  execute format($capture$
    with truncated as (
      delete from public.dashboard_truncations where id = any(%3$L::bigint[]) returning 1
    ), appended as (
      delete from public.dashboard_appends returning workspace_id, source_table, first_id, last_id, ids
    ), changed as (
      delete from public.dashboard_change_log returning workspace_id, source_table, utc_hour
    ), zones as (
      -- The zone each workspace's days are cut in: its new zone when rebuilt, else the views' zone.
      insert into pg_temp.dashboard_zones (workspace_id, time_zone)
      select w.workspace_id, coalesce(p.time_zone, s.time_zone, st.time_zone, 'UTC')
      from (select workspace_id from appended union select workspace_id from changed) w
      left join pg_temp.dashboard_plan p on p.workspace_id = w.workspace_id
      left join public.dashboard_workspace_state s on s.workspace_id = w.workspace_id
      left join public.workspace_settings st on st.workspace_id = w.workspace_id
      returning workspace_id, time_zone
    ), changed_days as (
      select distinct c.source_table, c.workspace_id, z.time_zone, d.day
      from changed c
      join zones z on z.workspace_id = c.workspace_id
      left join pg_temp.dashboard_plan p on p.workspace_id = c.workspace_id
      cross join lateral (values (((c.utc_hour at time zone 'UTC') at time zone z.time_zone)::date),
                                 ((((c.utc_hour + interval '59 minutes 59.999999 seconds') at time zone 'UTC')
                                   at time zone z.time_zone)::date)) d(day)
      where pg_catalog.isfinite(c.utc_hour)
        and case c.source_table when 'email_events' then not %1$L and not coalesce(p.email_rebuild, false)
                                else not %2$L and not coalesce(p.llm_rebuild, false) end
    ), dirty as (
      -- The local days recomputed, with their first and next day's first instants.
      insert into pg_temp.dashboard_dirty (source_table, workspace_id, day, starts, ends)
      select source_table, workspace_id, day, public.dashboard_day_start(day, time_zone), public.dashboard_day_start(day + 1, time_zone)
      from changed_days
      returning source_table, workspace_id, day, starts, ends
    ), email as (
      insert into pg_temp.dashboard_staged_email (workspace_id, campaign_name, contact_email, event_type, email_number, day, delta)
      -- every row of the workspaces rebuilt (of every workspace when the view is rebuilt whole)
      select e.workspace_id, e.campaign_name, e.contact_email, e.event_type, e.email_number,
             (e.event_ts at time zone coalesce(p.time_zone, 'UTC'))::date, false
      from public.email_events e
      %4$s pg_temp.dashboard_plan p on p.workspace_id = e.workspace_id %5$s
      where pg_catalog.isfinite(e.event_ts)
      union all
      -- the rows of each recomputed day
      select e.workspace_id, e.campaign_name, e.contact_email, e.event_type, e.email_number, d.day, false
      from dirty d
      join public.email_events e on e.workspace_id = d.workspace_id and e.event_ts >= d.starts and e.event_ts < d.ends
      where d.source_table = 'email_events'
      union all
      -- appended rows elsewhere: deltas
      select e.workspace_id, e.campaign_name, e.contact_email, e.event_type, e.email_number,
             (e.event_ts at time zone z.time_zone)::date, true
      from appended a
      join zones z on z.workspace_id = a.workspace_id
      %8$s
      left join pg_temp.dashboard_plan p on p.workspace_id = a.workspace_id
      left join dirty d on d.source_table = 'email_events' and d.workspace_id = a.workspace_id
                       and d.day = (e.event_ts at time zone z.time_zone)::date
      where a.source_table = 'email_events' and not %1$L and not coalesce(p.email_rebuild, false)
        and d.workspace_id is null and pg_catalog.isfinite(e.event_ts)
      returning 1
    ), llm as (
      insert into pg_temp.dashboard_staged_llm (workspace_id, campaign_name, provider, model, day, cost_usd, tokens_in, tokens_out, delta)
      select u.workspace_id, u.campaign_name, u.provider, u.model, (u.created_at at time zone coalesce(p.time_zone, 'UTC'))::date,
             u.cost_usd, u.tokens_in, u.tokens_out, false
      from public.llm_usage u
      %6$s pg_temp.dashboard_plan p on p.workspace_id = u.workspace_id %7$s
      where pg_catalog.isfinite(u.created_at)
      union all
      select u.workspace_id, u.campaign_name, u.provider, u.model, d.day, u.cost_usd, u.tokens_in, u.tokens_out, false
      from dirty d
      join public.llm_usage u on u.workspace_id = d.workspace_id and u.created_at >= d.starts and u.created_at < d.ends
      where d.source_table = 'llm_usage'
      union all
      select u.workspace_id, u.campaign_name, u.provider, u.model, (u.created_at at time zone z.time_zone)::date,
             u.cost_usd, u.tokens_in, u.tokens_out, true
      from appended a
      join zones z on z.workspace_id = a.workspace_id
      %9$s
      left join pg_temp.dashboard_plan p on p.workspace_id = a.workspace_id
      left join dirty d on d.source_table = 'llm_usage' and d.workspace_id = a.workspace_id
                       and d.day = (u.created_at at time zone z.time_zone)::date
      where a.source_table = 'llm_usage' and not %2$L and not coalesce(p.llm_rebuild, false)
        and d.workspace_id is null and pg_catalog.isfinite(u.created_at)
      returning 1
    )
    select (select count(*) from truncated) + (select count(*) from email) + (select count(*) from llm)
                                                + (select count(*) from changed) + (select count(*) from appended)
    $capture$,
    p_email_all, p_llm_all, p_truncations,
    case when p_email_all then 'left join' else 'join' end, case when p_email_all then '' else 'and p.email_rebuild' end,
    case when p_llm_all then 'left join' else 'join' end, case when p_llm_all then '' else 'and p.llm_rebuild' end,
    format(v_run, 'email_events', 'e'), format(v_run, 'llm_usage', 'u'))
  into v_rows;
  perform pg_catalog.set_config('enable_seqscan', v_seqscan, true);

  -- The workspaces rebuilt, and every local day their rows in the views or in the raw rows are on:
  -- those buckets are made equal to what was staged (rows the views hold on other days go).
  insert into pg_temp.dashboard_rebuilt (source_table, workspace_id)
  select 'email_events', workspace_id from pg_temp.dashboard_plan where email_rebuild
  union
  select 'llm_usage', workspace_id from pg_temp.dashboard_plan where llm_rebuild;
  if p_email_all then
    insert into pg_temp.dashboard_rebuilt (source_table, workspace_id)
    select 'email_events', w.workspace_id
    from (select workspace_id from pg_temp.dashboard_staged_email
          union select workspace_id from public.mv_daily_stats
          union select workspace_id from public.mv_daily_contacts
          union select workspace_id from public.dashboard_contact_days) w
    except select source_table, workspace_id from pg_temp.dashboard_rebuilt;
  end if;
  if p_llm_all then
    insert into pg_temp.dashboard_rebuilt (source_table, workspace_id)
    select 'llm_usage', w.workspace_id
    from (select workspace_id from pg_temp.dashboard_staged_llm union select workspace_id from public.mv_llm_cost) w
    except select source_table, workspace_id from pg_temp.dashboard_rebuilt;
  end if;
  analyze pg_temp.dashboard_rebuilt;
  insert into pg_temp.dashboard_dirty (source_table, workspace_id, day, rebuilt)
  select distinct x.source_table, x.workspace_id, x.day, true
  from (
    select 'email_events' as source_table, s.workspace_id, s.day from pg_temp.dashboard_staged_email s where not s.delta
    union all
    select 'email_events', m.workspace_id, m.day from public.mv_daily_stats m
    join pg_temp.dashboard_rebuilt r on r.source_table = 'email_events' and r.workspace_id = m.workspace_id
    union all
    select 'email_events', m.workspace_id, m.day from public.mv_daily_contacts m
    join pg_temp.dashboard_rebuilt r on r.source_table = 'email_events' and r.workspace_id = m.workspace_id
    union all
    select 'llm_usage', s.workspace_id, s.day from pg_temp.dashboard_staged_llm s where not s.delta
    union all
    select 'llm_usage', m.workspace_id, m.day from public.mv_llm_cost m
    join pg_temp.dashboard_rebuilt r on r.source_table = 'llm_usage' and r.workspace_id = m.workspace_id
  ) x
  join pg_temp.dashboard_rebuilt r on r.source_table = x.source_table and r.workspace_id = x.workspace_id;

  analyze pg_temp.dashboard_dirty;
  analyze pg_temp.dashboard_staged_email;
  analyze pg_temp.dashboard_staged_llm;
  return v_rows;
end
$$;
comment on function public.dashboard_refresh_capture(boolean, boolean, bigint[]) is
  'Refresh step 2: in one statement, consumes the logs and copies the rows to apply (every row of a rebuilt workspace or view, the rows of each recomputed local day, the other appended rows as deltas); then lists the rebuilt workspaces and their days.';

-- Makes the rows of p_view in the dirty buckets of p_source (only the rebuilt ones, with
-- p_rebuilt_only) equal to pg_temp.<p_staged>, deleting and inserting only the rows that differ.
drop function public.dashboard_merge_buckets(text, text, text);
create function public.dashboard_merge_buckets(p_view text, p_staged text, p_source text, p_rebuilt_only boolean default false)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_columns   text;
  v_t_columns text;
  v_same      text;
  v_dirty     text := format('d.source_table = %L and t.workspace_id = d.workspace_id and t.day = d.day%s', p_source,
                             case when p_rebuilt_only then ' and d.rebuilt' else '' end);
  v_deleted   bigint;
  v_inserted  bigint;
begin
  select string_agg(format('%I', a.attname), ', ' order by a.attnum),
         string_agg(format('t.%I', a.attname), ', ' order by a.attnum),
         string_agg(format(case when a.attnotnull then 't.%1$I = g.%1$I' else 't.%1$I is not distinct from g.%1$I' end, a.attname),
                    ' and ' order by a.attnum)
    into v_columns, v_t_columns, v_same
  from pg_catalog.pg_attribute a
  where a.attrelid = pg_catalog.to_regclass('public.' || pg_catalog.quote_ident(p_view))
    and a.attnum > 0 and not a.attisdropped and a.attgenerated = '';
  -- EXCEPT rather than a correlated NOT EXISTS over the staged (temporary) table: Citus cannot plan a
  -- subquery that correlates a distributed table with a coordinator-local one, but runs each side of
  -- a set operation on its own.
  execute format(
    'delete from public.%1$I t
     using (select %6$s from public.%1$I t join pg_temp.dashboard_dirty d on %3$s
            except
            select %4$s from pg_temp.%2$I) g
     where %5$s', p_view, p_staged, v_dirty, v_columns, v_same, v_t_columns);
  get diagnostics v_deleted = row_count;
  execute format(
    'insert into public.%1$I (%4$s)
     select %4$s from pg_temp.%2$I
     except
     select %5$s from public.%1$I t join pg_temp.dashboard_dirty d on %3$s',
    p_view, p_staged, v_dirty, v_columns, v_t_columns);
  get diagnostics v_inserted = row_count;
  return v_deleted + v_inserted;
end
$$;
comment on function public.dashboard_merge_buckets(text, text, text, boolean) is
  'Refresh step: makes the rows of one view in the dirty buckets (the rebuilt ones only, with p_rebuilt_only) equal to the staged rows, deleting and inserting only rows that differ; returns rows written.';

-- The sum of two later_step_sends objects, step by step.
create function public.dashboard_add_steps(p_left jsonb, p_right jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select coalesce(jsonb_object_agg(s.step, s.sends), '{}'::jsonb)
  from (select x.key as step, sum(x.value::bigint) as sends
        from (select * from jsonb_each_text(p_left) union all select * from jsonb_each_text(p_right)) x
        group by x.key) s
$$;
comment on function public.dashboard_add_steps(jsonb, jsonb) is
  'Two later_step_sends objects ({"6": 12}) added step by step (a delta added to a bucket).';

-- Step 3. mv_daily_stats: recomputed buckets (and rebuilt workspaces) replaced, deltas added. Also
-- finds the contact-days the deltas add (the refresh's contacts step applies them), since a delta
-- bucket's unique contacts grow by exactly those.
create or replace function public.dashboard_refresh_daily_stats()
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_merged    bigint;
  v_added     bigint;
  v_workspace text;
  -- The planner settings of the caller, put back after the probes below.
  v_hashjoin  text := pg_catalog.current_setting('enable_hashjoin');
  v_mergejoin text := pg_catalog.current_setting('enable_mergejoin');
  v_memoize   text := pg_catalog.current_setting('enable_memoize');
  v_nestloop  text := pg_catalog.current_setting('enable_nestloop');
begin
  insert into pg_temp.dashboard_staged_contacts (workspace_id, campaign_key, contact_email, day, delta)
  select workspace_id, 'c' || campaign_name, contact_email, day, delta from pg_temp.dashboard_staged_email
  group by workspace_id, campaign_name, contact_email, day, delta;
  insert into pg_temp.dashboard_staged_contacts (workspace_id, campaign_key, contact_email, day, delta)
  select workspace_id, '', contact_email, day, delta from pg_temp.dashboard_staged_contacts
  group by workspace_id, contact_email, day, delta;
  analyze pg_temp.dashboard_staged_contacts;

  -- How many events the views count per workspace, before and after (dashboard_workspace_state).
  insert into pg_temp.dashboard_counts (workspace_id, source_table, rebuilt, n)
  select m.workspace_id, 'email_events', false, -sum(m.sends + m.opens + m.clicks + m.replies + m.bounces + m.opt_outs)
  from public.mv_daily_stats m
  join pg_temp.dashboard_dirty d on d.source_table = 'email_events' and not d.rebuilt and d.workspace_id = m.workspace_id and d.day = m.day
  group by m.workspace_id;
  insert into pg_temp.dashboard_counts (workspace_id, source_table, rebuilt, n)
  select s.workspace_id, 'email_events', r.workspace_id is not null, count(*)
  from pg_temp.dashboard_staged_email s
  left join pg_temp.dashboard_rebuilt r on r.source_table = 'email_events' and r.workspace_id = s.workspace_id
  group by s.workspace_id, r.workspace_id;

  -- Temporary tables joined whole: never nested loops (a grouped subquery is estimated at one row,
  -- and a nested loop over it re-ran the inner aggregate for every outer row).
  perform pg_catalog.set_config('enable_nestloop', 'off', true);
  insert into pg_temp.dashboard_staged_stats
    (workspace_id, campaign_name, day, sends, opens, clicks, replies, bounces, opt_outs, unique_contacts,
     email_1_sends, email_2_sends, email_3_sends, email_4_sends, email_5_sends, later_step_sends)
  select e.workspace_id, e.campaign_name, e.day, e.sends, e.opens, e.clicks, e.replies, e.bounces, e.opt_outs,
         c.contacts, e.step_1, e.step_2, e.step_3, e.step_4, e.step_5, coalesce(l.steps, '{}'::jsonb)
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
    where not delta
    group by workspace_id, campaign_name, day
  ) e
  join (
    select workspace_id, campaign_key, day, count(*) as contacts
    from pg_temp.dashboard_staged_contacts
    where campaign_key <> '' and not delta
    group by workspace_id, campaign_key, day
  ) c on c.workspace_id = e.workspace_id and c.campaign_key = 'c' || e.campaign_name and c.day = e.day
  left join (
    select workspace_id, campaign_name, day, jsonb_object_agg(email_number::text, sends) as steps
    from (
      select workspace_id, campaign_name, day, email_number, count(*) as sends
      from pg_temp.dashboard_staged_email
      where event_type = 'sent' and email_number > 5 and not delta
      group by workspace_id, campaign_name, day, email_number
    ) s
    group by workspace_id, campaign_name, day
  ) l on l.workspace_id = e.workspace_id and l.campaign_name = e.campaign_name and l.day = e.day;
  perform pg_catalog.set_config('enable_nestloop', v_nestloop, true);
  analyze pg_temp.dashboard_staged_stats;
  v_merged := public.dashboard_merge_buckets('mv_daily_stats', 'dashboard_staged_stats', 'email_events');

  -- The appended contact-days, each looked up in the per-contact state with one index descent: the
  -- contact's latest active day up to that day. The same day: nothing new. An earlier one (or none):
  -- a new contact-day, one more contact on that day in its scope, whose previous active day is now
  -- known. One workspace at a time (Citus routes each statement whole to the node holding it), in
  -- the key's order (consecutive probes land on the same index pages). Each workspace's last active
  -- day is noted first: appends after it (today's, mostly) have no next active day to repair.
  -- A few thousand staged contact-days probe the state by its key: nested loops over its index, and
  -- no cache (every probe is for another key), whatever the estimates say. Only for these statements:
  -- the aggregations above and below join whole temporary tables, where hash joins are right.
  perform pg_catalog.set_config('enable_hashjoin', 'off', true);
  perform pg_catalog.set_config('enable_mergejoin', 'off', true);
  perform pg_catalog.set_config('enable_memoize', 'off', true);
  for v_workspace in select distinct workspace_id from pg_temp.dashboard_staged_contacts where delta loop
    insert into pg_temp.dashboard_delta_workspaces (workspace_id, last_day)
    select v_workspace, max(t.day) from public.dashboard_contact_days t where t.workspace_id = v_workspace;
    insert into pg_temp.dashboard_delta_probes (workspace_id, campaign_key, contact_email, day, found_day)
    select s.workspace_id, s.campaign_key, s.contact_email, s.day, f.day
    from (select s.workspace_id, s.campaign_key, s.contact_email, s.day
          from pg_temp.dashboard_staged_contacts s
          where s.delta and s.workspace_id = v_workspace
          order by 1, 2, 3, 4
          offset 0) s
    left join lateral (
      -- The key's columns only: an index-only scan.
      select t.day from public.dashboard_contact_days t
      where t.workspace_id = v_workspace and t.campaign_key = s.campaign_key and t.contact_email = s.contact_email and t.day <= s.day
      order by t.day desc
      limit 1) f on true;
  end loop;
  perform pg_catalog.set_config('enable_hashjoin', v_hashjoin, true);
  perform pg_catalog.set_config('enable_mergejoin', v_mergejoin, true);
  perform pg_catalog.set_config('enable_memoize', v_memoize, true);
  analyze pg_temp.dashboard_delta_probes;

  perform pg_catalog.set_config('enable_nestloop', 'off', true);
  insert into pg_temp.dashboard_delta_stats
    (workspace_id, campaign_name, day, sends, opens, clicks, replies, bounces, opt_outs, unique_contacts,
     email_1_sends, email_2_sends, email_3_sends, email_4_sends, email_5_sends, later_step_sends)
  select e.workspace_id, e.campaign_name, e.day, e.sends, e.opens, e.clicks, e.replies, e.bounces, e.opt_outs,
         coalesce(c.contacts, 0), e.step_1, e.step_2, e.step_3, e.step_4, e.step_5, coalesce(l.steps, '{}'::jsonb)
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
    where delta
    group by workspace_id, campaign_name, day
  ) e
  left join (
    select workspace_id, campaign_key, day, count(*) as contacts
    from pg_temp.dashboard_delta_probes
    where campaign_key <> '' and found_day is distinct from day
    group by workspace_id, campaign_key, day
  ) c on c.workspace_id = e.workspace_id and c.campaign_key = 'c' || e.campaign_name and c.day = e.day
  left join (
    select workspace_id, campaign_name, day, jsonb_object_agg(email_number::text, sends) as steps
    from (
      select workspace_id, campaign_name, day, email_number, count(*) as sends
      from pg_temp.dashboard_staged_email
      where event_type = 'sent' and email_number > 5 and delta
      group by workspace_id, campaign_name, day, email_number
    ) s
    group by workspace_id, campaign_name, day
  ) l on l.workspace_id = e.workspace_id and l.campaign_name = e.campaign_name and l.day = e.day;

  perform pg_catalog.set_config('enable_nestloop', v_nestloop, true);
  insert into public.mv_daily_stats as m
    (workspace_id, campaign_name, day, sends, opens, clicks, replies, bounces, opt_outs, unique_contacts,
     email_1_sends, email_2_sends, email_3_sends, email_4_sends, email_5_sends, later_step_sends)
  select workspace_id, campaign_name, day, sends, opens, clicks, replies, bounces, opt_outs, unique_contacts,
         email_1_sends, email_2_sends, email_3_sends, email_4_sends, email_5_sends, later_step_sends
  from pg_temp.dashboard_delta_stats
  on conflict (workspace_id, campaign_name, day) do update set
    sends = m.sends + excluded.sends, opens = m.opens + excluded.opens, clicks = m.clicks + excluded.clicks,
    replies = m.replies + excluded.replies, bounces = m.bounces + excluded.bounces, opt_outs = m.opt_outs + excluded.opt_outs,
    unique_contacts = m.unique_contacts + excluded.unique_contacts,
    email_1_sends = m.email_1_sends + excluded.email_1_sends, email_2_sends = m.email_2_sends + excluded.email_2_sends,
    email_3_sends = m.email_3_sends + excluded.email_3_sends, email_4_sends = m.email_4_sends + excluded.email_4_sends,
    email_5_sends = m.email_5_sends + excluded.email_5_sends,
    later_step_sends = public.dashboard_add_steps(m.later_step_sends, excluded.later_step_sends);
  get diagnostics v_added = row_count;
  return v_merged + v_added;
end
$$;
comment on function public.dashboard_refresh_daily_stats() is
  'Refresh step 3: mv_daily_stats recomputed for the recomputed and rebuilt buckets, appended rows added as deltas (unique contacts grow by the contact-days the state does not hold yet, found with their previous active day for step 4); returns rows written.';

-- Step 4. The per-contact state and mv_daily_contacts. Rebuilt workspaces: every chain computed anew
-- by one sort (hash of the contact first, so it compares integers, not text in the database's
-- locale) and only the rows that differ written. Elsewhere: the contact-days that appeared (deltas,
-- recomputed days) or disappeared (recomputed days), the chains they change (at that day and at the
-- contact's next active day), and mv_daily_contacts' counts moved accordingly. Every statement of the
-- latter pairs a few thousand changed rows with a table of millions: nested loops over its indexes are
-- the right plan, and hash or merge joins are off for this function so a misestimate cannot pick one.
create or replace function public.dashboard_refresh_contacts()
returns bigint
language plpgsql
security definer
set search_path = ''
set enable_hashjoin = off
set enable_mergejoin = off
set enable_memoize = off
as $$
declare
  v_rows      bigint := 0;   -- rows of mv_daily_contacts written (the state's own rows are not counted)
  v_written   bigint;
  v_workspace text;
  v_last      date;
begin
  -- Rebuilt workspaces. The joins here read whole workspaces: hash joins are right for them.
  if exists (select 1 from pg_temp.dashboard_rebuilt where source_table = 'email_events') then
    perform pg_catalog.set_config('enable_hashjoin', 'on', true);
    insert into pg_temp.dashboard_new_chains (workspace_id, campaign_key, contact_email, day, previous_day)
    select s.workspace_id, s.campaign_key, s.contact_email, s.day,
           coalesce(lag(s.day) over (partition by pg_catalog.hashtextextended(s.contact_email, 0), s.workspace_id, s.campaign_key, s.contact_email
                                     order by s.day), '-infinity')
    from pg_temp.dashboard_staged_contacts s
    join pg_temp.dashboard_rebuilt r on r.source_table = 'email_events' and r.workspace_id = s.workspace_id;
    analyze pg_temp.dashboard_new_chains;
    delete from public.dashboard_contact_days t
    using (select t.workspace_id, t.campaign_key, t.contact_email, t.day, t.previous_day
           from public.dashboard_contact_days t
           join pg_temp.dashboard_rebuilt r on r.source_table = 'email_events' and r.workspace_id = t.workspace_id
           except
           select workspace_id, campaign_key, contact_email, day, previous_day from pg_temp.dashboard_new_chains) g
    where t.workspace_id = g.workspace_id and t.campaign_key = g.campaign_key and t.contact_email = g.contact_email and t.day = g.day;
    insert into public.dashboard_contact_days (workspace_id, campaign_key, contact_email, day, previous_day)
    select workspace_id, campaign_key, contact_email, day, previous_day from pg_temp.dashboard_new_chains
    except
    select t.workspace_id, t.campaign_key, t.contact_email, t.day, t.previous_day
    from public.dashboard_contact_days t
    join pg_temp.dashboard_rebuilt r on r.source_table = 'email_events' and r.workspace_id = t.workspace_id;

    insert into pg_temp.dashboard_staged_daily_contacts (workspace_id, campaign_name, day, previous_day, contacts)
    select workspace_id, case when campaign_key = '' then null else substr(campaign_key, 2) end, day, previous_day, count(*)
    from pg_temp.dashboard_new_chains
    group by workspace_id, campaign_key, day, previous_day;
    analyze pg_temp.dashboard_staged_daily_contacts;
    v_rows := v_rows + public.dashboard_merge_buckets('mv_daily_contacts', 'dashboard_staged_daily_contacts', 'email_events', true);
    perform pg_catalog.set_config('enable_hashjoin', 'off', true);
  end if;

  -- Appended contact-days new to the state (step 3 found them, each with the contact's latest active
  -- day before it). Most take a short path: a contact with one new day, in a workspace with no day
  -- recomputed in this refresh, on or after the workspace's last active day. Its previous active day
  -- is the one found and it has no next active day: one insert, no chain to repair.
  -- (Temporary tables alone: sorts and hashes are fine here.)
  perform pg_catalog.set_config('enable_hashjoin', 'on', true);
  with new_days as (
    select p.workspace_id, p.campaign_key, p.contact_email, p.day, coalesce(p.found_day, '-infinity') as found_day,
           count(*) over (partition by p.workspace_id, p.campaign_key, p.contact_email) = 1
             and p.day >= coalesce(w.last_day, '-infinity')
             and w.workspace_id not in (select d.workspace_id from pg_temp.dashboard_dirty d where d.source_table = 'email_events' and not d.rebuilt)
             as fast
    from pg_temp.dashboard_delta_probes p
    join pg_temp.dashboard_delta_workspaces w on w.workspace_id = p.workspace_id
    where p.found_day is distinct from p.day
  ), fast as (
    insert into pg_temp.dashboard_contact_fast (workspace_id, campaign_key, contact_email, day, previous_day)
    select workspace_id, campaign_key, contact_email, day, found_day from new_days where fast
  )
  -- The others join the general path below.
  insert into pg_temp.dashboard_contact_changes (workspace_id, campaign_key, contact_email, day, previous_day, change)
  select workspace_id, campaign_key, contact_email, day, '-infinity', 1 from new_days where not fast;
  perform pg_catalog.set_config('enable_hashjoin', 'off', true);
  insert into public.dashboard_contact_days (workspace_id, campaign_key, contact_email, day, previous_day)
  select workspace_id, campaign_key, contact_email, day, previous_day
  from pg_temp.dashboard_contact_fast
  order by workspace_id, campaign_key, contact_email, day;

  -- Recomputed days: the difference between the contact-days they hold now (staged) and those
  -- recorded (read day by day through the (workspace_id, day) index), in one grouping.
  insert into pg_temp.dashboard_contact_changes (workspace_id, campaign_key, contact_email, day, previous_day, change)
  select workspace_id, campaign_key, contact_email, day, max(previous_day), case when bool_or(staged) then 1 else -1 end
  from (
    select s.workspace_id, s.campaign_key, s.contact_email, s.day, null::date as previous_day, true as staged
    from pg_temp.dashboard_staged_contacts s
    join pg_temp.dashboard_dirty d on d.source_table = 'email_events' and not d.rebuilt and d.workspace_id = s.workspace_id and d.day = s.day
    where not s.delta
    union all
    select k.workspace_id, k.campaign_key, k.contact_email, k.day, k.previous_day, false
    from pg_temp.dashboard_dirty d
    join public.dashboard_contact_days k on k.workspace_id = d.workspace_id and k.day = d.day
    where d.source_table = 'email_events' and not d.rebuilt
  ) both_sides
  group by workspace_id, campaign_key, contact_email, day
  having count(*) = 1;
  analyze pg_temp.dashboard_contact_changes;

  delete from public.dashboard_contact_days t
  using pg_temp.dashboard_contact_changes c
  where c.change = -1 and t.workspace_id = c.workspace_id and t.campaign_key = c.campaign_key
    and t.contact_email = c.contact_email and t.day = c.day;
  -- A new contact-day starts with no previous day; the next statement gives it its real one. In the
  -- key's order: the index is filled page by page.
  insert into public.dashboard_contact_days (workspace_id, campaign_key, contact_email, day, previous_day)
  select workspace_id, campaign_key, contact_email, day, '-infinity'
  from pg_temp.dashboard_contact_changes
  where change = 1
  order by workspace_id, campaign_key, contact_email, day;
  update pg_temp.dashboard_contact_changes set previous_day = '-infinity' where change = 1;

  -- The previous active day of every added day and of the next active day after any added or removed
  -- day, looked up again: a few index probes per changed contact-day. One workspace at a time: every
  -- distributed table in the statement is then filtered by one workspace_id, which Citus routes whole
  -- to the node holding that workspace's shards. On one Postgres it is the same statement per
  -- workspace, over the same indexes.
  create index dashboard_contact_changes_workspace on pg_temp.dashboard_contact_changes (workspace_id);
  for v_workspace in select distinct workspace_id from pg_temp.dashboard_contact_changes loop
    -- A changed day after the workspace's last active day has no next active day to repair (the common
    -- case: today's appends), so no probe is spent looking for one.
    select max(t.day) into v_last from public.dashboard_contact_days t where t.workspace_id = v_workspace;
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
      where c.workspace_id = v_workspace and c.day < v_last
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
    select workspace_id, campaign_key, day, previous_day, 1 as change from pg_temp.dashboard_contact_fast
    union all
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
  get diagnostics v_written = row_count;
  v_rows := v_rows + v_written;
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
  'Refresh step 4: rebuilt workspaces'' contact chains computed anew (only differing rows written, readers never wait); elsewhere the contact-days that appeared or disappeared applied to dashboard_contact_days with the chains they change, and mv_daily_contacts'' counts moved; returns rows written.';

-- Step 5. mv_llm_cost: recomputed buckets (and rebuilt workspaces) replaced, deltas added.
create or replace function public.dashboard_refresh_llm_cost()
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_merged bigint;
  v_added  bigint;
begin
  insert into pg_temp.dashboard_counts (workspace_id, source_table, rebuilt, n)
  select m.workspace_id, 'llm_usage', false, -sum(m.call_count)
  from public.mv_llm_cost m
  join pg_temp.dashboard_dirty d on d.source_table = 'llm_usage' and not d.rebuilt and d.workspace_id = m.workspace_id and d.day = m.day
  group by m.workspace_id;
  insert into pg_temp.dashboard_counts (workspace_id, source_table, rebuilt, n)
  select s.workspace_id, 'llm_usage', r.workspace_id is not null, count(*)
  from pg_temp.dashboard_staged_llm s
  left join pg_temp.dashboard_rebuilt r on r.source_table = 'llm_usage' and r.workspace_id = s.workspace_id
  group by s.workspace_id, r.workspace_id;

  insert into pg_temp.dashboard_staged_cost
  select workspace_id, campaign_name, provider, model, day, sum(cost_usd), sum(tokens_in), sum(tokens_out), count(*)
  from pg_temp.dashboard_staged_llm
  where not delta
  group by workspace_id, campaign_name, provider, model, day;
  analyze pg_temp.dashboard_staged_cost;
  v_merged := public.dashboard_merge_buckets('mv_llm_cost', 'dashboard_staged_cost', 'llm_usage');

  insert into pg_temp.dashboard_delta_cost
  select workspace_id, campaign_name, provider, model, day, sum(cost_usd), sum(tokens_in), sum(tokens_out), count(*)
  from pg_temp.dashboard_staged_llm
  where delta
  group by workspace_id, campaign_name, provider, model, day;
  insert into public.mv_llm_cost as m
    (workspace_id, campaign_name, provider, model, day, total_cost, total_tokens_in, total_tokens_out, call_count)
  select workspace_id, campaign_name, provider, model, day, total_cost, total_tokens_in, total_tokens_out, call_count
  from pg_temp.dashboard_delta_cost
  on conflict (workspace_id, day, campaign_key, provider, model) do update set
    total_cost = m.total_cost + excluded.total_cost, total_tokens_in = m.total_tokens_in + excluded.total_tokens_in,
    total_tokens_out = m.total_tokens_out + excluded.total_tokens_out, call_count = m.call_count + excluded.call_count;
  get diagnostics v_added = row_count;
  return v_merged + v_added;
end
$$;
comment on function public.dashboard_refresh_llm_cost() is
  'Refresh step 5: mv_llm_cost recomputed for the recomputed and rebuilt buckets, appended rows added as deltas; returns rows written.';

-- Step 6. What the views now hold per workspace written: its zone, a new version, its row counts.
create function public.dashboard_refresh_workspaces(p_version bigint)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_rows integer;
begin
  -- The new counts are worked out here rather than in ON CONFLICT (Citus cannot plan a subquery there).
  insert into public.dashboard_workspace_state as s (workspace_id, time_zone, version, email_events, llm_calls, refreshed_at)
  select w.workspace_id, coalesce(p.time_zone, z.time_zone, 'UTC'), p_version,
         case when coalesce(f.email_rebuilt, false) then 0 else coalesce(old.email_events, 0) end + coalesce(c.email, 0),
         case when coalesce(f.llm_rebuilt, false) then 0 else coalesce(old.llm_calls, 0) end + coalesce(c.llm, 0),
         now()
  from (select workspace_id from pg_temp.dashboard_zones
        union select workspace_id from pg_temp.dashboard_rebuilt
        union select workspace_id from pg_temp.dashboard_plan) w
  left join pg_temp.dashboard_plan p on p.workspace_id = w.workspace_id
  left join pg_temp.dashboard_zones z on z.workspace_id = w.workspace_id
  left join (select workspace_id, bool_or(source_table = 'email_events') as email_rebuilt, bool_or(source_table = 'llm_usage') as llm_rebuilt
             from pg_temp.dashboard_rebuilt group by workspace_id) f on f.workspace_id = w.workspace_id
  left join (select workspace_id, sum(n) filter (where source_table = 'email_events') as email,
                    sum(n) filter (where source_table = 'llm_usage') as llm
             from pg_temp.dashboard_counts group by workspace_id) c on c.workspace_id = w.workspace_id
  left join public.dashboard_workspace_state old on old.workspace_id = w.workspace_id
  on conflict (workspace_id) do update set
    time_zone = excluded.time_zone, version = excluded.version, email_events = excluded.email_events,
    llm_calls = excluded.llm_calls, refreshed_at = excluded.refreshed_at;
  get diagnostics v_rows = row_count;
  return v_rows;
end
$$;
comment on function public.dashboard_refresh_workspaces(bigint) is
  'Refresh step 6: dashboard_workspace_state of every workspace the refresh wrote: the zone its days are now cut in, a new version, and the rows the views count.';

create or replace function public.refresh_dashboard_views(p_full boolean)
returns jsonb
language plpgsql
security definer            -- writes the views and reads the raw tables; callers only need EXECUTE
set search_path = ''
set statement_timeout = '15min'  -- PostgREST (and our Postgres store) hoist this over the role's API timeout
set lock_timeout = '1min'
set work_mem = '256MB'
as $$
declare
  v_started   timestamptz := clock_timestamp();
  v_as_of     timestamptz;
  v_step      timestamptz;
  v_capture   numeric := 0;
  v_plan      jsonb := '{}'::jsonb;
  v_buckets   jsonb := '{}'::jsonb;
  v_views     jsonb := '[]'::jsonb;
  v_view      record;
  v_rows      bigint;
  v_full      boolean := false;
  v_appended  bigint := 0;
  v_rebuilt   integer := 0;
  v_rebuilt_sources jsonb := '{}'::jsonb;
  v_reasons   jsonb := '{}'::jsonb;
  v_work      boolean;
begin
  -- One refresh at a time: a second caller returns at once instead of queueing behind the first.
  -- The lock is transaction-scoped, so it is released on commit, on error and on disconnect.
  if not pg_catalog.pg_try_advisory_xact_lock(7262025120700002) then
    return jsonb_build_object('status', 'skipped', 'reason', 'another refresh is already running');
  end if;

  -- Every transaction committed before this moment is in what the capture reads (it may read a
  -- little more): the moment the views are current as of.
  v_as_of := clock_timestamp();
  v_work := p_full
    or exists (select 1 from public.dashboard_appends)
    or exists (select 1 from public.dashboard_change_log)
    or exists (select 1 from public.dashboard_truncations)
    or exists (select 1 from public.dashboard_workspace_state s
               left join public.workspace_settings st on st.workspace_id = s.workspace_id
               where s.time_zone <> coalesce(st.time_zone, 'UTC'));
  -- With nothing written since the last refresh, the views are current as of now; no row changes.
  if v_work then
    perform public.dashboard_refresh_tables();
    v_plan := public.dashboard_refresh_plan(p_full);
    v_full := (v_plan ->> 'email_all')::boolean and (v_plan ->> 'llm_all')::boolean;
    perform public.dashboard_refresh_capture((v_plan ->> 'email_all')::boolean, (v_plan ->> 'llm_all')::boolean,
      array(select jsonb_array_elements_text(v_plan -> 'truncations')::bigint));
    v_capture := round(extract(epoch from clock_timestamp() - v_as_of)::numeric * 1000, 1);
    -- Buckets written: (workspace, day) recomputed or rebuilt, or given deltas.
    select coalesce(jsonb_object_agg(b.source_table, b.n), '{}'::jsonb) into v_buckets
    from (select x.source_table, count(*) as n
          from (select source_table, workspace_id, day from pg_temp.dashboard_dirty
                union select 'email_events', workspace_id, day from pg_temp.dashboard_staged_email where delta
                union select 'llm_usage', workspace_id, day from pg_temp.dashboard_staged_llm where delta) x
          group by x.source_table) b;
    select (select count(*) from pg_temp.dashboard_staged_email where delta) + (select count(*) from pg_temp.dashboard_staged_llm where delta),
           (select count(distinct workspace_id) from pg_temp.dashboard_rebuilt),
           (select coalesce(jsonb_object_agg(r.source_table, true), '{}'::jsonb) from (select distinct source_table from pg_temp.dashboard_rebuilt) r),
           (select coalesce(jsonb_object_agg(p.reason, p.n), '{}'::jsonb)
            from (select reason, count(*) as n from pg_temp.dashboard_plan where email_rebuild or llm_rebuild group by reason) p)
      into v_appended, v_rebuilt, v_rebuilt_sources, v_reasons;
  end if;

  for v_view in select view_name, source_table from public.dashboard_views order by position loop
    v_step := clock_timestamp();
    v_rows := 0;
    if v_buckets ? v_view.source_table or v_rebuilt_sources ? v_view.source_table then
      v_rows := case v_view.view_name
        when 'mv_daily_stats' then public.dashboard_refresh_daily_stats()
        when 'mv_daily_contacts' then public.dashboard_refresh_contacts()
        when 'mv_llm_cost' then public.dashboard_refresh_llm_cost()
      end;
    end if;
    v_views := v_views || jsonb_build_object(
      'view_name', v_view.view_name,
      'buckets', coalesce((v_buckets ->> v_view.source_table)::integer, 0),
      'rows_changed', v_rows,
      'duration_ms', round(extract(epoch from clock_timestamp() - v_step)::numeric * 1000, 1));
  end loop;
  if v_work then
    perform public.dashboard_refresh_workspaces((extract(epoch from v_as_of) * 1000000)::bigint);
  end if;

  -- One log row per view: what it did, and the moment its data is current as of.
  insert into public.dashboard_view_refreshes
    (view_name, started_at, finished_at, duration_ms, current_as_of, buckets, rows_changed, full_rebuild)
  select x.view_name, v_started, clock_timestamp(), x.duration_ms, v_as_of, x.buckets, x.rows_changed, v_full
  from jsonb_to_recordset(v_views) as x(view_name text, buckets integer, rows_changed bigint, duration_ms numeric);

  return jsonb_build_object(
    'status', 'refreshed',
    'full', v_full,
    'reason', v_plan ->> 'reason',
    'started_at', v_started,
    'finished_at', clock_timestamp(),
    'current_as_of', v_as_of,
    'duration_ms', round(extract(epoch from clock_timestamp() - v_started)::numeric * 1000, 1),
    'capture_ms', v_capture,
    'buckets', (select coalesce(sum(value::integer), 0) from jsonb_each_text(v_buckets)),
    'appended_rows', v_appended,
    'rebuilt_workspaces', v_rebuilt,
    'rebuilt_because', v_reasons,
    'rows_changed', (select coalesce(sum((v ->> 'rows_changed')::bigint), 0) from jsonb_array_elements(v_views) v),
    'views', v_views);
end
$$;
comment on function public.refresh_dashboard_views(boolean) is
  'Brings every dashboard view up to date in one transaction (all or nothing), readers never waiting. p_full false: appended rows added as deltas, the local days of updates and deletes recomputed, workspaces rebuilt when new, when their zone changed or when their pending change is large, whole views rebuilt after a TRUNCATE or when empty; true: everything rebuilt from the raw tables (repair). One refresh at a time: a call while another runs returns {status: skipped} at once. Returns {status, full, reason (why everything was rebuilt: requested, truncated, views empty), current_as_of, duration_ms, capture_ms, buckets, appended_rows, rebuilt_workspaces, rebuilt_because ({reason: workspaces}: new workspace, time zone changed, large change, ...), rows_changed, views: [{view_name, buckets, rows_changed, duration_ms}]}.';

comment on function public.refresh_dashboard_views() is
  'Incremental refresh: applies what was written since the last refresh (see refresh_dashboard_views(boolean)).';

-- ---------------------------------------------------------------------------------------------
-- 5. Freshness and the answers' versions
-- ---------------------------------------------------------------------------------------------

-- The local days with pending changes of one workspace (or all): the days of appended rows' quarter
-- hours; the days updated and deleted rows' hours fall on; after a new zone or a TRUNCATE, every day
-- the views hold.
create function public.dashboard_pending_days(p_workspace_id text)
returns table (source_table text, workspace_id text, day date)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_truncated text[];
  v_rezoned   text[];
begin
  -- Rows may repeat: callers count distinct buckets. The views' own rows are read only when a whole
  -- workspace or table is pending (rare), so a freshness read costs a few index lookups otherwise.
  return query
  select a.source_table, a.workspace_id,
         ((q.quarter at time zone 'UTC') at time zone coalesce(s.time_zone, 'UTC'))::date
  from public.dashboard_appends a
  left join public.dashboard_workspace_state s on s.workspace_id = a.workspace_id
  cross join lateral unnest(a.quarter_hours) q(quarter)
  where p_workspace_id is null or a.workspace_id = p_workspace_id
  union all
  select c.source_table, c.workspace_id, x.day
  from public.dashboard_change_log c
  left join public.dashboard_workspace_state s on s.workspace_id = c.workspace_id
  cross join lateral (values (((c.utc_hour at time zone 'UTC') at time zone coalesce(s.time_zone, 'UTC'))::date),
                             ((((c.utc_hour + interval '59 minutes 59.999999 seconds') at time zone 'UTC')
                               at time zone coalesce(s.time_zone, 'UTC'))::date)) x(day)
  where (p_workspace_id is null or c.workspace_id = p_workspace_id) and pg_catalog.isfinite(c.utc_hour);

  select coalesce(array_agg(distinct t.source_table), '{}') into v_truncated from public.dashboard_truncations t;
  select coalesce(array_agg(s.workspace_id), '{}') into v_rezoned
  from public.dashboard_workspace_state s
  left join public.workspace_settings st on st.workspace_id = s.workspace_id
  where (p_workspace_id is null or s.workspace_id = p_workspace_id) and s.time_zone <> coalesce(st.time_zone, 'UTC');
  if cardinality(v_truncated) = 0 and cardinality(v_rezoned) = 0 then
    return;
  end if;
  return query
  select 'email_events'::text, m.workspace_id, m.day from public.mv_daily_stats m
  where (p_workspace_id is null or m.workspace_id = p_workspace_id)
    and ('email_events' = any(v_truncated) or m.workspace_id = any(v_rezoned))
  union all
  select 'llm_usage'::text, m.workspace_id, m.day from public.mv_llm_cost m
  where (p_workspace_id is null or m.workspace_id = p_workspace_id)
    and ('llm_usage' = any(v_truncated) or m.workspace_id = any(v_rezoned));
end
$$;
comment on function public.dashboard_pending_days(text) is
  'The (source table, workspace, local day) buckets with changes not yet in the views, of one workspace or all (null), possibly repeated: the days of appended rows, of updated and deleted rows, and every day the views hold after a zone change or a TRUNCATE.';

create or replace function public.dashboard_view_freshness(p_workspace_id text)
returns table (view_name text, last_refreshed timestamptz, age_seconds integer, pending_buckets integer)
language plpgsql
stable
security definer            -- reads the refresh log and the change logs, which the API roles cannot
set search_path = ''
as $$
declare
  -- Counted by their own statement: on Citus the query below reads reference tables only, and may be
  -- sent to a worker, where the logs (distributed) cannot be read.
  v_pending jsonb := (select coalesce(jsonb_object_agg(p.source_table, p.n), '{}'::jsonb)
                      from (select d.source_table, count(distinct (d.workspace_id, d.day)) as n
                            from public.dashboard_pending_days(p_workspace_id) d group by d.source_table) p);
begin
  return query
  select v.view_name,
         r.current_as_of,
         case when r.current_as_of is not null
              then greatest(0, floor(extract(epoch from statement_timestamp() - r.current_as_of)))::integer end,
         coalesce((v_pending ->> v.source_table)::integer, 0)
  from public.dashboard_views v
  left join lateral (
    select l.current_as_of from public.dashboard_view_refreshes l
    where l.view_name = v.view_name
    order by l.finished_at desc
    limit 1
  ) r on true
  order by v.position;
end
$$;
comment on function public.dashboard_view_freshness(text) is
  'Per dashboard view: the moment its data is current as of (null: never refreshed), its age in seconds, and the (workspace, local day) buckets with changes not yet in it (of one workspace, or all when null).';

-- The zone an answer's days are cut in: the views' zone for source mv (as of the last refresh), the
-- workspace's zone now for live and raw. UTC for a workspace with neither a setting nor data.
create function public.dashboard_answer_zone(p_workspace_id text, p_source text)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- PL/pgSQL, not SQL: Citus cannot plan a SQL function's parameters in a query of distributed tables.
  return (
  select coalesce(case when p_source = 'mv' then (select s.time_zone from public.dashboard_workspace_state s where s.workspace_id = p_workspace_id) end,
                  (select st.time_zone from public.workspace_settings st where st.workspace_id = p_workspace_id),
                  'UTC'));
end
$$;
comment on function public.dashboard_answer_zone(text, text) is
  'The IANA zone an answer of that source is cut in: the views'' zone for mv, the workspace''s zone now for live and raw (UTC by default).';

-- A number that changes whenever an answer of the source may change, from this workspace's own state
-- only (nothing global: no other tenant's writes move it). mv: the workspace's version in the views.
-- live: also everything pending for it, hashed (a committed write adds a log row; only a refresh
-- removes them, and it moves the version).
create or replace function public.dashboard_data_version(p_workspace_id text, p_source text)
returns bigint
language plpgsql
stable
security definer            -- reads the workspace state and the change logs, which the API roles cannot
set search_path = ''
as $$
declare
  v_version     bigint;
  v_appends     text;
  v_changes     text;
  v_truncations bigint;
begin
  select s.version into v_version from public.dashboard_workspace_state s where s.workspace_id = p_workspace_id;
  if p_source <> 'live' then
    return coalesce(v_version, 0);
  end if;
  -- One statement per table: on Citus each goes whole to the node holding the workspace, which
  -- cannot run a function that reads distributed tables itself.
  select count(*) || ':' || coalesce(max(a.id), 0) into v_appends from public.dashboard_appends a where a.workspace_id = p_workspace_id;
  select count(*) || ':' || coalesce(max(c.id), 0) into v_changes from public.dashboard_change_log c where c.workspace_id = p_workspace_id;
  select coalesce(max(t.id), 0) into v_truncations from public.dashboard_truncations t;
  -- 52 bits: the version reaches JavaScript as a number (exact below 2^53).
  return pg_catalog.hashtextextended(
    concat_ws('|', v_version, public.dashboard_answer_zone(p_workspace_id, 'live'), v_appends, v_changes, v_truncations), 0)
    & 4503599627370495;
end
$$;
comment on function public.dashboard_data_version(text, text) is
  'ETag basis of one workspace''s answers, from its own state only: mv moves when a refresh writes its rows; live also with every committed write to it, a change of its zone or a TRUNCATE (hashed).';

-- The ETag basis of one answer: the data version, and "today" in the answer's zone when the answer
-- depends on it (a range reaching yesterday or later: partial_day, the like-for-like comparison), so
-- a cached answer stops matching at the workspace's midnight even when no data changed.
create or replace function public.dashboard_answer_version(p_workspace_id text, p_source text, p_to date)
returns bigint
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_zone    text := public.dashboard_answer_zone(p_workspace_id, p_source);
  v_today   date := (now() at time zone v_zone)::date;
  v_version bigint := public.dashboard_data_version(p_workspace_id, p_source);
begin
  if p_to >= v_today - 1 then
    return pg_catalog.hashtextextended(concat_ws('|', v_version, v_zone, v_today), 0) & 4503599627370495;
  end if;
  return pg_catalog.hashtextextended(concat_ws('|', v_version, v_zone), 0) & 4503599627370495;
end
$$;
comment on function public.dashboard_answer_version(text, text, date) is
  'ETag basis of a dashboard answer for a range ending p_to: dashboard_data_version and the answer''s zone, and today in that zone when the answer depends on it (a range reaching yesterday or later).';

-- ---------------------------------------------------------------------------------------------
-- 6. The dashboard's answers
-- ---------------------------------------------------------------------------------------------
--
-- Each answer is read in two parts. The figures, by one function per source: mv reads only the
-- maintained views (so neither a rebuild nor a producer's TRUNCATE of a raw table can make it wait),
-- raw only the raw tables, live the views plus what is pending (appended rows as they are, the raw
-- rows of days with updates or deletes). Then one function folds the figures into the answer:
-- buckets, periods, rates, JSON. Figures travel between them as arrays of these types.

create type public.dashboard_day_figure as (
  day date, sends bigint, opens bigint, clicks bigint, replies bigint, bounces bigint, opt_outs bigint,
  step_1 bigint, step_2 bigint, step_3 bigint, step_4 bigint, step_5 bigint);
comment on type public.dashboard_day_figure is 'Email counts of one local day (several rows of a day add up).';
create type public.dashboard_cost_figure as (
  day date, provider text, model text, cost numeric, tokens_in bigint, tokens_out bigint, calls bigint);
comment on type public.dashboard_cost_figure is 'LLM cost, tokens and calls of one local day, provider and model (several rows add up).';
create type public.dashboard_contacts_figure as (span text, span_start date, contacts bigint);
comment on type public.dashboard_contacts_figure is 'Distinct contacts of one span (a bucket or a period; several rows add up).';
create type public.dashboard_step_figure as (day date, step integer, sends bigint);
comment on type public.dashboard_step_figure is 'Sends of one sequence step past 5 on one local day.';
create type public.dashboard_campaign_figure as (
  campaign_name text, sends bigint, opens bigint, clicks bigint, replies bigint, bounces bigint, opt_outs bigint,
  contacts bigint, cost numeric, calls bigint);
comment on type public.dashboard_campaign_figure is 'One campaign''s figures over a range (several rows add up; null campaign_name: LLM usage tied to none).';

-- Each day of an answer with every span it counts in: its bucket of the timeseries (days of the range
-- only; a bucket starts on the day, the Monday or the 1st, clipped to the range) and each period
-- holding it (the range; with a comparison, the current and previous periods). Local days.
create function public.dashboard_spans(p_from date, p_to date, p_interval text, p_previous_from date, p_current_to date)
returns table (day date, span text, span_start date, span_end date)
language sql
immutable
set search_path = ''
as $$
  with days as (
    select d::date as day
    from generate_series(coalesce(p_previous_from, p_from)::timestamp, p_to::timestamp, interval '1 day') d
  )
  select b.day, 'bucket', greatest(p_from, b.start), least(p_to, b.finish)
  from (
    select d.day,
           case p_interval when 'week' then date_trunc('week', d.day::timestamp)::date
                           when 'month' then date_trunc('month', d.day::timestamp)::date else d.day end as start,
           case p_interval when 'week' then date_trunc('week', d.day::timestamp)::date + 6
                           when 'month' then (date_trunc('month', d.day::timestamp) + interval '1 month')::date - 1 else d.day end as finish
    from days d
    where d.day >= p_from
  ) b
  union all
  select d.day, p.span, p.span_start, p.span_end
  from days d
  join (values ('range', p_from, p_to), ('current', p_from, p_current_to), ('previous', p_previous_from, p_from - 1))
    as p(span, span_start, span_end)
    on d.day between p.span_start and p.span_end
  where p.span = 'range' or p_current_to is not null
$$;
comment on function public.dashboard_spans(date, date, text, date, date) is
  'Every local day of an answer with each span it counts in: its timeseries bucket (day, ISO week from Monday, month; clipped to the range, named by its first day in it) and the periods (range; current and previous with a comparison).';

-- The figures of an answer from the views alone.
create function public.dashboard_figures_mv(
  p_workspace_id text, p_from date, p_to date, p_campaign text, p_interval text, p_previous_from date, p_current_to date,
  out days public.dashboard_day_figure[], out costs public.dashboard_cost_figure[],
  out contacts public.dashboard_contacts_figure[], out steps public.dashboard_step_figure[],
  out raw_email_days integer, out raw_llm_days integer)
language plpgsql
stable
security definer            -- reads the views, which the API roles cannot
set search_path = ''
as $$
declare
  v_lo     date := coalesce(p_previous_from, p_from);
  v_key    text := coalesce('c' || p_campaign, '');
  v_days   date[];
  v_spans  text[];
  v_starts date[];
begin
  -- The spans as arrays: on Citus each statement below is routed whole to the node holding the
  -- workspace, where a call of one of our set-returning functions cannot be planned.
  select array_agg(s.day), array_agg(s.span), array_agg(s.span_start) into v_days, v_spans, v_starts
  from public.dashboard_spans(p_from, p_to, p_interval, p_previous_from, p_current_to) s;
  raw_email_days := 0;
  raw_llm_days := 0;

  select array_agg(row(d.day, d.sends, d.opens, d.clicks, d.replies, d.bounces, d.opt_outs,
                       d.step_1, d.step_2, d.step_3, d.step_4, d.step_5)::public.dashboard_day_figure)
    into days
  from (
    select s.day, sum(s.sends)::bigint as sends, sum(s.opens)::bigint as opens, sum(s.clicks)::bigint as clicks,
           sum(s.replies)::bigint as replies, sum(s.bounces)::bigint as bounces, sum(s.opt_outs)::bigint as opt_outs,
           sum(s.email_1_sends)::bigint as step_1, sum(s.email_2_sends)::bigint as step_2, sum(s.email_3_sends)::bigint as step_3,
           sum(s.email_4_sends)::bigint as step_4, sum(s.email_5_sends)::bigint as step_5
    from public.mv_daily_stats s
    where s.workspace_id = p_workspace_id and (p_campaign is null or s.campaign_name = p_campaign)
      and s.day between v_lo and p_to
    group by s.day
  ) d;

  select array_agg(row(c.span, c.span_start, c.contacts)::public.dashboard_contacts_figure) into contacts
  from (
    select x.span, x.span_start, sum(c.contacts)::bigint as contacts
    from public.mv_daily_contacts c
    join unnest(v_days, v_spans, v_starts) as x(day, span, span_start) on x.day = c.day
    where c.workspace_id = p_workspace_id and c.campaign_key = v_key and c.day between v_lo and p_to
      and c.previous_day < x.span_start
    group by x.span, x.span_start
  ) c;

  select array_agg(row(l.day, l.provider, l.model, l.cost, l.tokens_in, l.tokens_out, l.calls)::public.dashboard_cost_figure)
    into costs
  from (
    select l.day, l.provider, l.model, sum(l.total_cost) as cost, sum(l.total_tokens_in)::bigint as tokens_in,
           sum(l.total_tokens_out)::bigint as tokens_out, sum(l.call_count)::bigint as calls
    from public.mv_llm_cost l
    where l.workspace_id = p_workspace_id and (p_campaign is null or l.campaign_key = 'c' || p_campaign)
      and l.day between v_lo and p_to
    group by l.day, l.provider, l.model
  ) l;

  select array_agg(row(x.day, x.step, x.sends)::public.dashboard_step_figure) into steps
  from (
    select s.day, e.key::integer as step, sum(e.value::bigint)::bigint as sends
    from public.mv_daily_stats s
    cross join lateral jsonb_each_text(s.later_step_sends) e
    where s.workspace_id = p_workspace_id and (p_campaign is null or s.campaign_name = p_campaign)
      and s.day between p_from and p_to and s.later_step_sends <> '{}'::jsonb
    group by s.day, e.key
  ) x;
end
$$;
comment on function public.dashboard_figures_mv(text, date, date, text, text, date, date) is
  'The figures of a dashboard answer read from the maintained views only (as of the last refresh).';

-- The figures of an answer from the raw tables alone: local days of the workspace's zone, exact.
create function public.dashboard_figures_raw(
  p_workspace_id text, p_from date, p_to date, p_campaign text, p_interval text, p_previous_from date, p_current_to date,
  p_time_zone text,
  out days public.dashboard_day_figure[], out costs public.dashboard_cost_figure[],
  out contacts public.dashboard_contacts_figure[], out steps public.dashboard_step_figure[],
  out raw_email_days integer, out raw_llm_days integer)
language plpgsql
stable
security definer            -- reads the raw tables, which the API roles cannot
set search_path = ''
as $$
declare
  v_lo     date := coalesce(p_previous_from, p_from);
  v_starts timestamptz := public.dashboard_day_start(v_lo, p_time_zone);
  v_ends   timestamptz := public.dashboard_day_start(p_to + 1, p_time_zone);
  v_days   date[];
  v_spans  text[];
  v_span_starts date[];
begin
  select array_agg(s.day), array_agg(s.span), array_agg(s.span_start) into v_days, v_spans, v_span_starts
  from public.dashboard_spans(p_from, p_to, p_interval, p_previous_from, p_current_to) s;
  raw_email_days := p_to - v_lo + 1;
  raw_llm_days := p_to - v_lo + 1;

  with events as materialized (
    select e.contact_email, e.event_type, e.email_number, (e.event_ts at time zone p_time_zone)::date as day
    from public.email_events e
    where e.workspace_id = p_workspace_id and (p_campaign is null or e.campaign_name = p_campaign)
      and e.event_ts >= v_starts and e.event_ts < v_ends
  )
  select
    (select array_agg(row(d.day, d.sends, d.opens, d.clicks, d.replies, d.bounces, d.opt_outs,
                          d.step_1, d.step_2, d.step_3, d.step_4, d.step_5)::public.dashboard_day_figure)
     from (select r.day,
                  count(*) filter (where r.event_type = 'sent') as sends, count(*) filter (where r.event_type = 'opened') as opens,
                  count(*) filter (where r.event_type = 'clicked') as clicks, count(*) filter (where r.event_type = 'replied') as replies,
                  count(*) filter (where r.event_type = 'bounced') as bounces, count(*) filter (where r.event_type = 'opted_out') as opt_outs,
                  count(*) filter (where r.event_type = 'sent' and r.email_number = 1) as step_1,
                  count(*) filter (where r.event_type = 'sent' and r.email_number = 2) as step_2,
                  count(*) filter (where r.event_type = 'sent' and r.email_number = 3) as step_3,
                  count(*) filter (where r.event_type = 'sent' and r.email_number = 4) as step_4,
                  count(*) filter (where r.event_type = 'sent' and r.email_number = 5) as step_5
           from events r group by r.day) d),
    -- Distinct (span, contact) pairs by hashing, compared byte for byte (not sorted in the collation).
    (select array_agg(row(c.span, c.span_start, c.contacts)::public.dashboard_contacts_figure)
     from (select p.span, p.span_start, count(*) as contacts
           from (select distinct x.span, x.span_start, r.contact_email collate "C"
                 from events r join unnest(v_days, v_spans, v_span_starts) as x(day, span, span_start) on x.day = r.day) p
           group by p.span, p.span_start) c),
    (select array_agg(row(s.day, s.step, s.sends)::public.dashboard_step_figure)
     from (select r.day, r.email_number::integer as step, count(*) as sends from events r
           where r.event_type = 'sent' and r.email_number > 5 and r.day >= p_from group by r.day, r.email_number) s)
    into days, contacts, steps;

  select array_agg(row(l.day, l.provider, l.model, l.cost, l.tokens_in, l.tokens_out, l.calls)::public.dashboard_cost_figure)
    into costs
  from (
    select (u.created_at at time zone p_time_zone)::date as day, u.provider, u.model, sum(u.cost_usd) as cost,
           sum(u.tokens_in)::bigint as tokens_in, sum(u.tokens_out)::bigint as tokens_out, count(*) as calls
    from public.llm_usage u
    where u.workspace_id = p_workspace_id and (p_campaign is null or u.campaign_name = p_campaign)
      and u.created_at >= v_starts and u.created_at < v_ends
    group by 1, 2, 3
  ) l;
end
$$;
comment on function public.dashboard_figures_raw(text, date, date, text, text, date, date, text) is
  'The figures of a dashboard answer read from the raw tables only, in local days of p_time_zone (the rollback path and the benchmark baseline).';

-- The local days of one workspace with pending updates or deletes (in p_time_zone, between two
-- days): what live answers read from raw rows whole. Appended rows are read as they are elsewhere.
create function public.dashboard_recomputed_days(p_workspace_id text, p_source text, p_time_zone text, p_lo date, p_hi date)
returns date[]
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- PL/pgSQL: see dashboard_answer_zone.
  return (
  select coalesce(array_agg(distinct x.day order by x.day), '{}')
  from public.dashboard_change_log c
  cross join lateral (values (((c.utc_hour at time zone 'UTC') at time zone p_time_zone)::date),
                             ((((c.utc_hour + interval '59 minutes 59.999999 seconds') at time zone 'UTC') at time zone p_time_zone)::date)) x(day)
  where c.workspace_id = p_workspace_id and c.source_table = p_source and pg_catalog.isfinite(c.utc_hour)
    and x.day between p_lo and p_hi);
end
$$;
comment on function public.dashboard_recomputed_days(text, text, text, date, date) is
  'The local days (in p_time_zone, from p_lo to p_hi) of one workspace and source table with updates or deletes not yet refreshed.';

-- The figures of an answer exact to the last committed write: the views, plus the pending appended
-- rows of the workspace (read by id, never a whole day), plus the raw rows of each day with pending
-- updates or deletes (in place of the views' rows of that day). Unique contacts: the views' count,
-- corrected for the contacts whose activity on those days differs from what the per-contact state
-- recorded. Only for a workspace whose views are cut in its zone and whose tables were not truncated
-- since (otherwise every day is pending, and the raw figures are the live ones).
create function public.dashboard_figures_live(
  p_workspace_id text, p_from date, p_to date, p_campaign text, p_interval text, p_previous_from date, p_current_to date,
  p_time_zone text,
  out days public.dashboard_day_figure[], out costs public.dashboard_cost_figure[],
  out contacts public.dashboard_contacts_figure[], out steps public.dashboard_step_figure[],
  out raw_email_days integer, out raw_llm_days integer)
language plpgsql
stable
security definer            -- reads the views, the change logs and the raw tables
set search_path = ''
as $$
declare
  v_lo          date := coalesce(p_previous_from, p_from);
  v_key         text := coalesce('c' || p_campaign, '');
  v_email_days  date[] := public.dashboard_recomputed_days(p_workspace_id, 'email_events', p_time_zone, v_lo, p_to);
  v_llm_days    date[] := public.dashboard_recomputed_days(p_workspace_id, 'llm_usage', p_time_zone, v_lo, p_to);
  v_email_starts timestamptz[];
  v_email_ends   timestamptz[];
  v_llm_starts   timestamptz[];
  v_llm_ends     timestamptz[];
  v_days   date[];
  v_spans  text[];
  v_span_starts date[];
  v_span_ends   date[];
  -- The range's first and next-after-last instants (on Citus the statements below run on the node
  -- holding the workspace: only values travel there, not calls of our functions).
  v_starts      timestamptz := public.dashboard_day_start(v_lo, p_time_zone);
  v_ends        timestamptz := public.dashboard_day_start(p_to + 1, p_time_zone);
begin
  select array_agg(s.day), array_agg(s.span), array_agg(s.span_start), array_agg(s.span_end)
    into v_days, v_spans, v_span_starts, v_span_ends
  from public.dashboard_spans(p_from, p_to, p_interval, p_previous_from, p_current_to) s;
  select array_agg(public.dashboard_day_start(d, p_time_zone) order by d), array_agg(public.dashboard_day_start(d + 1, p_time_zone) order by d)
    into v_email_starts, v_email_ends from unnest(v_email_days) d;
  select array_agg(public.dashboard_day_start(d, p_time_zone) order by d), array_agg(public.dashboard_day_start(d + 1, p_time_zone) order by d)
    into v_llm_starts, v_llm_ends from unnest(v_llm_days) d;
  raw_email_days := cardinality(v_email_days);
  raw_llm_days := cardinality(v_llm_days);

  with pending as materialized (
    -- appended rows of the workspace, on days not read whole below
    select e.contact_email, e.event_type, e.email_number, (e.event_ts at time zone p_time_zone)::date as day
    from public.dashboard_appends a
    join public.email_events e on e.workspace_id = p_workspace_id
      and (e.workspace_id, e.id) >= (p_workspace_id, a.first_id) and (e.workspace_id, e.id) <= (p_workspace_id, a.last_id)
      and (a.ids is null or e.id = any(a.ids))
    where a.workspace_id = p_workspace_id and a.source_table = 'email_events'
      and (p_campaign is null or e.campaign_name = p_campaign)
      and e.event_ts >= v_starts and e.event_ts < v_ends
      and (e.event_ts at time zone p_time_zone)::date <> all(v_email_days)
    union all
    -- every row of the days with pending updates or deletes
    select e.contact_email, e.event_type, e.email_number, d.day
    from unnest(v_email_days, v_email_starts, v_email_ends) as d(day, starts, ends)
    join public.email_events e on e.workspace_id = p_workspace_id and e.event_ts >= d.starts and e.event_ts < d.ends
    where p_campaign is null or e.campaign_name = p_campaign
  ), now_days as (
    select distinct r.contact_email, r.day from pending r
  ), was_days as (
    -- what the per-contact state recorded for those contact-days and for the days read whole
    select t.contact_email, t.day
    from unnest(v_email_days) d(day)
    join public.dashboard_contact_days t on t.workspace_id = p_workspace_id and t.campaign_key = v_key and t.day = d.day
    union
    select t.contact_email, t.day
    from now_days n
    join public.dashboard_contact_days t
      on t.workspace_id = p_workspace_id and t.campaign_key = v_key and t.contact_email = n.contact_email and t.day = n.day
  ), contact_days as (
    select x.contact_email, x.day, bool_or(x.now_active) as now_active, bool_or(x.was_active) as was_active
    from (select contact_email, day, true as now_active, false as was_active from now_days
          union all
          select contact_email, day, false, true from was_days) x
    group by x.contact_email, x.day
  ), span_contacts as (
    -- per span, the contacts with a changed day: active now and not before, or the reverse
    select s.span, s.span_start, s.span_end, x.contact_email, bool_or(x.now_active) as now_active, bool_or(x.was_active) as was_active
    from contact_days x
    join unnest(v_days, v_spans, v_span_starts, v_span_ends) as s(day, span, span_start, span_end) on s.day = x.day
    where x.contact_email in (select contact_email from contact_days where now_active <> was_active)
    group by s.span, s.span_start, s.span_end, x.contact_email
  )
  select
    (select array_agg(row(d.day, d.sends, d.opens, d.clicks, d.replies, d.bounces, d.opt_outs,
                          d.step_1, d.step_2, d.step_3, d.step_4, d.step_5)::public.dashboard_day_figure)
     from (select s.day, sum(s.sends)::bigint as sends, sum(s.opens)::bigint as opens, sum(s.clicks)::bigint as clicks,
                  sum(s.replies)::bigint as replies, sum(s.bounces)::bigint as bounces, sum(s.opt_outs)::bigint as opt_outs,
                  sum(s.email_1_sends)::bigint as step_1, sum(s.email_2_sends)::bigint as step_2, sum(s.email_3_sends)::bigint as step_3,
                  sum(s.email_4_sends)::bigint as step_4, sum(s.email_5_sends)::bigint as step_5
           from public.mv_daily_stats s
           where s.workspace_id = p_workspace_id and (p_campaign is null or s.campaign_name = p_campaign)
             and s.day between v_lo and p_to and s.day <> all(v_email_days)
           group by s.day
           union all
           select r.day,
                  count(*) filter (where r.event_type = 'sent'), count(*) filter (where r.event_type = 'opened'),
                  count(*) filter (where r.event_type = 'clicked'), count(*) filter (where r.event_type = 'replied'),
                  count(*) filter (where r.event_type = 'bounced'), count(*) filter (where r.event_type = 'opted_out'),
                  count(*) filter (where r.event_type = 'sent' and r.email_number = 1),
                  count(*) filter (where r.event_type = 'sent' and r.email_number = 2),
                  count(*) filter (where r.event_type = 'sent' and r.email_number = 3),
                  count(*) filter (where r.event_type = 'sent' and r.email_number = 4),
                  count(*) filter (where r.event_type = 'sent' and r.email_number = 5)
           from pending r group by r.day) d),
    (select array_agg(row(c.span, c.span_start, c.contacts)::public.dashboard_contacts_figure)
     from (select s.span, s.span_start, sum(c.contacts)::bigint as contacts
           from public.mv_daily_contacts c
           join unnest(v_days, v_spans, v_span_starts) as s(day, span, span_start) on s.day = c.day
           where c.workspace_id = p_workspace_id and c.campaign_key = v_key and c.day between v_lo and p_to
             and c.previous_day < s.span_start
           group by s.span, s.span_start
           union all
           select p.span, p.span_start, sum(case when p.now_active then 1 else -1 end)::bigint
           from span_contacts p
           where p.now_active <> p.was_active
             -- no other day in the span on which the state still counts the contact (a one-day span has none)
             and (p.span_start = p.span_end or not exists (
               select 1 from public.dashboard_contact_days t
               where t.workspace_id = p_workspace_id and t.campaign_key = v_key and t.contact_email = p.contact_email
                 and t.day between p.span_start and p.span_end and t.day <> all(v_email_days)))
           group by p.span, p.span_start) c),
    (select array_agg(row(x.day, x.step, x.sends)::public.dashboard_step_figure)
     from (select s.day, e.key::integer as step, sum(e.value::bigint)::bigint as sends
           from public.mv_daily_stats s
           cross join lateral jsonb_each_text(s.later_step_sends) e
           where s.workspace_id = p_workspace_id and (p_campaign is null or s.campaign_name = p_campaign)
             and s.day between p_from and p_to and s.day <> all(v_email_days) and s.later_step_sends <> '{}'::jsonb
           group by s.day, e.key
           union all
           select r.day, r.email_number::integer, count(*) from pending r
           where r.event_type = 'sent' and r.email_number > 5 and r.day >= p_from
           group by r.day, r.email_number) x)
    into days, contacts, steps;

  select array_agg(row(l.day, l.provider, l.model, l.cost, l.tokens_in, l.tokens_out, l.calls)::public.dashboard_cost_figure)
    into costs
  from (
    select l.day, l.provider, l.model, sum(l.total_cost) as cost, sum(l.total_tokens_in)::bigint as tokens_in,
           sum(l.total_tokens_out)::bigint as tokens_out, sum(l.call_count)::bigint as calls
    from public.mv_llm_cost l
    where l.workspace_id = p_workspace_id and (p_campaign is null or l.campaign_key = 'c' || p_campaign)
      and l.day between v_lo and p_to and l.day <> all(v_llm_days)
    group by l.day, l.provider, l.model
    union all
    select (u.created_at at time zone p_time_zone)::date, u.provider, u.model, sum(u.cost_usd),
           sum(u.tokens_in)::bigint, sum(u.tokens_out)::bigint, count(*)
    from public.dashboard_appends a
    join public.llm_usage u on u.workspace_id = p_workspace_id
      and (u.workspace_id, u.id) >= (p_workspace_id, a.first_id) and (u.workspace_id, u.id) <= (p_workspace_id, a.last_id)
      and (a.ids is null or u.id = any(a.ids))
    where a.workspace_id = p_workspace_id and a.source_table = 'llm_usage'
      and (p_campaign is null or u.campaign_name = p_campaign)
      and u.created_at >= v_starts and u.created_at < v_ends
      and (u.created_at at time zone p_time_zone)::date <> all(v_llm_days)
    group by 1, 2, 3
    union all
    select d.day, u.provider, u.model, sum(u.cost_usd), sum(u.tokens_in)::bigint, sum(u.tokens_out)::bigint, count(*)
    from unnest(v_llm_days, v_llm_starts, v_llm_ends) as d(day, starts, ends)
    join public.llm_usage u on u.workspace_id = p_workspace_id and u.created_at >= d.starts and u.created_at < d.ends
    where p_campaign is null or u.campaign_name = p_campaign
    group by 1, 2, 3
  ) l;
end
$$;
comment on function public.dashboard_figures_live(text, date, date, text, text, date, date, text) is
  'The figures of a dashboard answer exact to the last committed write: the views, plus the workspace''s pending appended rows (read by id), plus the raw rows of its days with pending updates or deletes; unique contacts corrected for the contacts whose activity on those days changed.';

-- The whole dashboard answer from its figures: buckets, periods, rates, sequence, cost breakdown.
create function public.dashboard_answer(
  p_workspace_id text, p_from date, p_to date, p_campaign text, p_source text, p_interval text, p_compare text,
  p_time_zone text, p_partial_day date, p_previous_from date, p_current_to date, p_version bigint, p_freshness jsonb,
  p_days public.dashboard_day_figure[], p_costs public.dashboard_cost_figure[], p_contacts public.dashboard_contacts_figure[],
  p_steps public.dashboard_step_figure[], p_raw_email_days integer, p_raw_llm_days integer)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  with spans as (
    select * from public.dashboard_spans(p_from, p_to, p_interval, p_previous_from, p_current_to)
  ), periods as (
    select distinct s.span, s.span_start, s.span_end from spans s where s.span <> 'bucket'
  ), costs as (
    select * from unnest(p_costs)
  ), span_figures as (
    -- Every figure of every span in one grouping (one CTE per figure made the planner nest loops).
    select x.span, x.span_start,
           sum(x.sends) as sends, sum(x.opens) as opens, sum(x.clicks) as clicks, sum(x.replies) as replies,
           sum(x.bounces) as bounces, sum(x.opt_outs) as opt_outs,
           sum(x.step_1) as step_1, sum(x.step_2) as step_2, sum(x.step_3) as step_3, sum(x.step_4) as step_4,
           sum(x.step_5) as step_5, sum(x.contacts) as contacts,
           sum(x.cost) as cost, sum(x.tokens_in) as tokens_in, sum(x.tokens_out) as tokens_out, sum(x.calls) as calls
    from (
      select s.span, s.span_start, d.sends, d.opens, d.clicks, d.replies, d.bounces, d.opt_outs,
             d.step_1, d.step_2, d.step_3, d.step_4, d.step_5, null::bigint as contacts,
             null::numeric as cost, null::bigint as tokens_in, null::bigint as tokens_out, null::bigint as calls
      from unnest(p_days) d join spans s on s.day = d.day
      union all
      select c.span, c.span_start, null, null, null, null, null, null, null, null, null, null, null, c.contacts,
             null, null, null, null
      from unnest(p_contacts) c
      union all
      select s.span, s.span_start, null, null, null, null, null, null, null, null, null, null, null, null,
             c.cost, c.tokens_in, c.tokens_out, c.calls
      from costs c join spans s on s.day = c.day
    ) x
    group by x.span, x.span_start
  ), buckets as (
    -- One row per bucket with its cost per provider, covering every provider with usage in the range.
    select y.span_start, coalesce(jsonb_object_agg(y.provider, y.cost) filter (where y.provider is not null), '{}'::jsonb) as by_provider
    from (
      select x.span_start, x.provider, sum(x.cost) as cost
      from (
        select b.span_start, p.provider, 0::numeric as cost
        from (select distinct span_start from spans where span = 'bucket') b
        left join (select distinct provider from costs where day between p_from and p_to) p on true
        union all
        select s.span_start, c.provider, c.cost
        from costs c join spans s on s.day = c.day and s.span = 'bucket'
      ) x
      group by x.span_start, x.provider
    ) y
    group by y.span_start
  ), timeseries as (
    select b.span_start as day,
           coalesce(f.sends, 0) as sends, coalesce(f.opens, 0) as opens, coalesce(f.clicks, 0) as clicks,
           coalesce(f.replies, 0) as replies, coalesce(f.bounces, 0) as bounces, coalesce(f.opt_outs, 0) as opt_outs,
           coalesce(f.contacts, 0) as unique_contacts, coalesce(f.cost, 0) as cost, b.by_provider
    from buckets b
    left join span_figures f on f.span = 'bucket' and f.span_start = b.span_start
  ), summaries as (
    select p.span, p.span_start, p.span_end,
           coalesce(f.step_1, 0) as step_1, coalesce(f.step_2, 0) as step_2, coalesce(f.step_3, 0) as step_3,
           coalesce(f.step_4, 0) as step_4, coalesce(f.step_5, 0) as step_5,
           jsonb_build_object(
             'sends', coalesce(f.sends, 0), 'opens', coalesce(f.opens, 0), 'clicks', coalesce(f.clicks, 0),
             'replies', coalesce(f.replies, 0), 'bounces', coalesce(f.bounces, 0), 'opt_outs', coalesce(f.opt_outs, 0),
             'unique_contacts', coalesce(f.contacts, 0),
             'total_cost_usd', round(coalesce(f.cost, 0), 6), 'llm_calls', coalesce(f.calls, 0),
             'tokens_in', coalesce(f.tokens_in, 0), 'tokens_out', coalesce(f.tokens_out, 0))
           || public.dashboard_email_rates(f.sends, f.opens, f.clicks, f.replies, f.bounces, f.opt_outs) as summary
    from periods p
    left join span_figures f on f.span = p.span and f.span_start = p.span_start
  ), later_steps as (
    select s.step, sum(s.sends) as sends from unnest(p_steps) s
    where s.day between p_from and p_to
    group by s.step
    having sum(s.sends) > 0
  )
  select jsonb_build_object(
    'workspace_id', p_workspace_id,
    'from', to_char(p_from, 'YYYY-MM-DD'),
    'to', to_char(p_to, 'YYYY-MM-DD'),
    'campaign', p_campaign,
    'source', p_source,
    'time_zone', p_time_zone,
    'interval', p_interval,
    'partial_day', to_char(p_partial_day, 'YYYY-MM-DD'),
    'data_version', p_version,
    'summary', r.summary,
    'timeseries', (
      select jsonb_agg(jsonb_build_object(
               'day', to_char(ts.day, 'YYYY-MM-DD'), 'sends', ts.sends, 'opens', ts.opens, 'clicks', ts.clicks,
               'replies', ts.replies, 'bounces', ts.bounces, 'opt_outs', ts.opt_outs,
               'unique_contacts', ts.unique_contacts, 'cost_usd', round(ts.cost, 6), 'cost_by_provider', ts.by_provider)
             order by ts.day)
      from timeseries ts),
    -- Steps 1-5 always, then every later step with sends in the range.
    'sequence', jsonb_build_array(
      jsonb_build_object('step', 1, 'sends', r.step_1), jsonb_build_object('step', 2, 'sends', r.step_2),
      jsonb_build_object('step', 3, 'sends', r.step_3), jsonb_build_object('step', 4, 'sends', r.step_4),
      jsonb_build_object('step', 5, 'sends', r.step_5))
      || coalesce((select jsonb_agg(jsonb_build_object('step', l.step, 'sends', l.sends) order by l.step) from later_steps l), '[]'::jsonb),
    'cost_breakdown', (
      select coalesce(jsonb_agg(jsonb_build_object(
               'provider', b.provider, 'model', b.model, 'total_cost_usd', round(b.cost, 6),
               'tokens_in', b.tokens_in, 'tokens_out', b.tokens_out, 'call_count', b.calls)
             order by b.cost desc, b.provider collate "C", b.model collate "C"), '[]'::jsonb)
      from (select provider, model, sum(cost) as cost, sum(tokens_in) as tokens_in, sum(tokens_out) as tokens_out,
                   sum(calls) as calls
            from costs where day between p_from and p_to group by provider, model) b),
    'freshness', public.dashboard_freshness_rows(p_freshness, p_raw_email_days, p_raw_llm_days)
  )
  || case when p_compare is null then '{}'::jsonb else jsonb_build_object('comparison', (
       select jsonb_build_object(
                'current', jsonb_build_object('from', to_char(c.span_start, 'YYYY-MM-DD'), 'to', to_char(c.span_end, 'YYYY-MM-DD'), 'summary', c.summary),
                'previous', jsonb_build_object('from', to_char(p.span_start, 'YYYY-MM-DD'), 'to', to_char(p.span_end, 'YYYY-MM-DD'), 'summary', p.summary),
                'partial_day', to_char(p_partial_day, 'YYYY-MM-DD'))
       from summaries c join summaries p on p.span = 'previous'
       where c.span = 'current')) end
  from summaries r
  where r.span = 'range'
$$;
comment on function public.dashboard_answer(text, date, date, text, text, text, text, text, date, date, date, bigint, jsonb,
  public.dashboard_day_figure[], public.dashboard_cost_figure[], public.dashboard_contacts_figure[], public.dashboard_step_figure[], integer, integer) is
  'Folds an answer''s figures (from one of the dashboard_figures_* functions) into the dashboard''s JSON: buckets, periods, rates, sequence, cost breakdown, freshness.';

-- Whether a workspace's live answers must be read from raw rows whole: its zone changed since the
-- views were cut, or a raw table was truncated since the last refresh.
create function public.dashboard_rebuild_pending(p_workspace_id text)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- PL/pgSQL: see dashboard_answer_zone.
  return (
  select exists (select 1 from public.dashboard_truncations)
      or exists (select 1 from public.dashboard_workspace_state s
                 left join public.workspace_settings st on st.workspace_id = s.workspace_id
                 where s.workspace_id = p_workspace_id and s.time_zone <> coalesce(st.time_zone, 'UTC')));
end
$$;
comment on function public.dashboard_rebuild_pending(text) is
  'true when a workspace''s views are to be rebuilt by the next refresh (its zone changed, or a raw table was truncated): its live answers then read raw rows.';

drop function public.dashboard_aggregate_for_member(uuid, text, date, date, text, text, bigint, text, text);
drop function public.dashboard_aggregate(text, date, date, text, text, bigint, text, text);

create function public.dashboard_aggregate(
  p_workspace_id text,
  p_from date,
  p_to date,
  p_campaign text default null,
  p_source text default 'mv',
  p_known_version bigint default null,
  p_interval text default 'day',
  p_compare text default null
)
returns jsonb
language plpgsql
stable
security definer            -- reads views and raw tables the API roles cannot; callers need EXECUTE only
set search_path = ''
set statement_timeout = '10s'
as $$
declare
  v_zone          text;
  v_today         date;
  v_partial       date;
  v_current_to    date;
  v_previous_from date;
  v_version       bigint;
  v_figures       record;
begin
  if p_workspace_id is null or p_from is null or p_to is null or p_from > p_to then
    raise exception 'dashboard_aggregate: workspace_id, from <= to are required' using errcode = '22023';
  end if;
  if p_source is null or p_source not in ('mv', 'raw', 'live') then
    raise exception 'dashboard_aggregate: source must be mv, raw or live' using errcode = '22023';
  end if;
  if p_interval is null or p_interval not in ('day', 'week', 'month') then
    raise exception 'dashboard_aggregate: interval must be day, week or month' using errcode = '22023';
  end if;
  if p_compare is not null and p_compare <> 'previous' then
    raise exception 'dashboard_aggregate: compare must be previous or null' using errcode = '22023';
  end if;
  -- Days are the workspace's local days; today is today there (the database's clock).
  v_zone := public.dashboard_answer_zone(p_workspace_id, p_source);
  v_today := (now() at time zone v_zone)::date;
  v_partial := case when v_today between p_from and p_to then v_today end;
  -- The like-for-like comparison: the range's complete days, and as many days just before them.
  if p_compare = 'previous' and least(p_to, v_today - 1) >= p_from then
    v_current_to := least(p_to, v_today - 1);
    v_previous_from := p_from - (v_current_to - p_from + 1);
  end if;
  v_version := public.dashboard_answer_version(p_workspace_id, p_source, p_to);
  -- The caller already holds the answer for this data version: say so and skip the work.
  if p_source <> 'raw' and p_known_version is not distinct from v_version then
    return jsonb_build_object('not_modified', true, 'data_version', v_version);
  end if;
  if p_source = 'mv' then
    select * into v_figures
    from public.dashboard_figures_mv(p_workspace_id, p_from, p_to, p_campaign, p_interval, v_previous_from, v_current_to);
  elsif p_source = 'live' and not public.dashboard_rebuild_pending(p_workspace_id) then
    select * into v_figures
    from public.dashboard_figures_live(p_workspace_id, p_from, p_to, p_campaign, p_interval, v_previous_from, v_current_to, v_zone);
  else
    select * into v_figures
    from public.dashboard_figures_raw(p_workspace_id, p_from, p_to, p_campaign, p_interval, v_previous_from, v_current_to, v_zone);
  end if;
  return public.dashboard_answer(p_workspace_id, p_from, p_to, p_campaign, p_source, p_interval, p_compare,
    v_zone, v_partial, v_previous_from, v_current_to, v_version, public.dashboard_answer_freshness(p_workspace_id, p_source),
    v_figures.days, v_figures.costs, v_figures.contacts, v_figures.steps, v_figures.raw_email_days, v_figures.raw_llm_days);
end
$$;
comment on function public.dashboard_aggregate(text, date, date, text, text, bigint, text, text) is
  'The whole dashboard answer for one workspace, an inclusive range of its local days (time_zone: the zone they are cut in) and optionally one campaign: summary, zero-filled timeseries in buckets of p_interval (day; week from the local Monday; month from the 1st; clipped to the range, each labelled with its first day in it; unique contacts exact per bucket), sequence steps 1-5 and every later step with sends, cost breakdown, freshness, partial_day (today there, when in the range). p_compare previous: also comparison {current, previous, partial_day}. p_source mv: the views as of the last refresh (reading nothing else); raw: the raw tables; live: the views plus what is pending. With p_known_version equal to the answer''s version (mv, live) returns {not_modified: true}.';

create function public.dashboard_aggregate_for_member(
  p_user_id uuid,
  p_workspace_id text,
  p_from date,
  p_to date,
  p_campaign text default null,
  p_source text default 'mv',
  p_known_version bigint default null,
  p_interval text default 'day',
  p_compare text default null
)
returns jsonb
language plpgsql
stable
security definer            -- reads workspace_members and calls dashboard_aggregate; callers need EXECUTE only
set search_path = ''
set statement_timeout = '10s'
as $$
declare
  v_refusal jsonb := public.dashboard_member_refusal(p_user_id, p_workspace_id, p_source);
begin
  if v_refusal is not null then
    return v_refusal;
  end if;
  return public.dashboard_aggregate(p_workspace_id, p_from, p_to, p_campaign, p_source, p_known_version, p_interval, p_compare);
end
$$;
comment on function public.dashboard_aggregate_for_member(uuid, text, date, date, text, text, bigint, text, text) is
  'dashboard_aggregate(...) for a signed-in user, with the membership check in the same call: {"error":"not_found"} for a non-member or a missing workspace (the same), {"error":"forbidden"} for source raw as a viewer, else exactly dashboard_aggregate''s answer.';

-- ---------------------------------------------------------------------------------------------
-- 7. The campaigns side by side, in the same two parts
-- ---------------------------------------------------------------------------------------------

create function public.dashboard_campaign_figures_mv(
  p_workspace_id text, p_from date, p_to date, p_campaign text,
  out campaigns public.dashboard_campaign_figure[], out raw_email_days integer, out raw_llm_days integer)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  raw_email_days := 0;
  raw_llm_days := 0;
  select array_agg(row(c.campaign_name, c.sends, c.opens, c.clicks, c.replies, c.bounces, c.opt_outs,
                       c.contacts, c.cost, c.calls)::public.dashboard_campaign_figure)
    into campaigns
  from (
    select s.campaign_name, sum(s.sends)::bigint as sends, sum(s.opens)::bigint as opens, sum(s.clicks)::bigint as clicks,
           sum(s.replies)::bigint as replies, sum(s.bounces)::bigint as bounces, sum(s.opt_outs)::bigint as opt_outs,
           null::bigint as contacts, null::numeric as cost, null::bigint as calls
    from public.mv_daily_stats s
    where s.workspace_id = p_workspace_id and (p_campaign is null or s.campaign_name = p_campaign) and s.day between p_from and p_to
    group by s.campaign_name
    union all
    -- Distinct contacts per campaign over the range, exactly (as the aggregate's range total, per scope).
    select substr(c.campaign_key, 2), null, null, null, null, null, null, sum(c.contacts)::bigint, null, null
    from public.mv_daily_contacts c
    where c.workspace_id = p_workspace_id
      and (case when p_campaign is null then c.campaign_key <> '' else c.campaign_key = 'c' || p_campaign end)
      and c.day between p_from and p_to and c.previous_day < p_from
    group by c.campaign_key
    union all
    select case when l.campaign_key = '' then null else substr(l.campaign_key, 2) end, null, null, null, null, null, null, null,
           sum(l.total_cost), sum(l.call_count)::bigint
    from public.mv_llm_cost l
    where l.workspace_id = p_workspace_id and (p_campaign is null or l.campaign_key = 'c' || p_campaign) and l.day between p_from and p_to
    group by l.campaign_key
  ) c;
end
$$;
comment on function public.dashboard_campaign_figures_mv(text, date, date, text) is
  'Per campaign figures over a range, from the maintained views only.';

create function public.dashboard_campaign_figures_raw(
  p_workspace_id text, p_from date, p_to date, p_campaign text, p_time_zone text,
  out campaigns public.dashboard_campaign_figure[], out raw_email_days integer, out raw_llm_days integer)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_starts timestamptz := public.dashboard_day_start(p_from, p_time_zone);
  v_ends   timestamptz := public.dashboard_day_start(p_to + 1, p_time_zone);
begin
  raw_email_days := p_to - p_from + 1;
  raw_llm_days := p_to - p_from + 1;
  select array_agg(row(c.campaign_name, c.sends, c.opens, c.clicks, c.replies, c.bounces, c.opt_outs,
                       c.contacts, c.cost, c.calls)::public.dashboard_campaign_figure)
    into campaigns
  from (
    select e.campaign_name,
           count(*) filter (where e.event_type = 'sent') as sends, count(*) filter (where e.event_type = 'opened') as opens,
           count(*) filter (where e.event_type = 'clicked') as clicks, count(*) filter (where e.event_type = 'replied') as replies,
           count(*) filter (where e.event_type = 'bounced') as bounces, count(*) filter (where e.event_type = 'opted_out') as opt_outs,
           count(distinct e.contact_email collate "C") as contacts, null::numeric as cost, null::bigint as calls
    from public.email_events e
    where e.workspace_id = p_workspace_id and (p_campaign is null or e.campaign_name = p_campaign)
      and e.event_ts >= v_starts and e.event_ts < v_ends
    group by e.campaign_name
    union all
    select u.campaign_name, null, null, null, null, null, null, null, sum(u.cost_usd), count(*)
    from public.llm_usage u
    where u.workspace_id = p_workspace_id and (p_campaign is null or u.campaign_name = p_campaign)
      and u.created_at >= v_starts and u.created_at < v_ends
    group by u.campaign_name
  ) c;
end
$$;
comment on function public.dashboard_campaign_figures_raw(text, date, date, text, text) is
  'Per campaign figures over a range of local days of p_time_zone, from the raw tables only.';

create function public.dashboard_campaign_figures_live(
  p_workspace_id text, p_from date, p_to date, p_campaign text, p_time_zone text,
  out campaigns public.dashboard_campaign_figure[], out raw_email_days integer, out raw_llm_days integer)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_email_days   date[] := public.dashboard_recomputed_days(p_workspace_id, 'email_events', p_time_zone, p_from, p_to);
  v_llm_days     date[] := public.dashboard_recomputed_days(p_workspace_id, 'llm_usage', p_time_zone, p_from, p_to);
  v_email_starts timestamptz[];
  v_email_ends   timestamptz[];
  v_llm_starts   timestamptz[];
  v_llm_ends     timestamptz[];
  v_starts       timestamptz := public.dashboard_day_start(p_from, p_time_zone);
  v_ends         timestamptz := public.dashboard_day_start(p_to + 1, p_time_zone);
begin
  select array_agg(public.dashboard_day_start(d, p_time_zone) order by d), array_agg(public.dashboard_day_start(d + 1, p_time_zone) order by d)
    into v_email_starts, v_email_ends from unnest(v_email_days) d;
  select array_agg(public.dashboard_day_start(d, p_time_zone) order by d), array_agg(public.dashboard_day_start(d + 1, p_time_zone) order by d)
    into v_llm_starts, v_llm_ends from unnest(v_llm_days) d;
  raw_email_days := cardinality(v_email_days);
  raw_llm_days := cardinality(v_llm_days);

  with pending as materialized (
    select e.campaign_name, e.contact_email, e.event_type, (e.event_ts at time zone p_time_zone)::date as day
    from public.dashboard_appends a
    join public.email_events e on e.workspace_id = p_workspace_id
      and (e.workspace_id, e.id) >= (p_workspace_id, a.first_id) and (e.workspace_id, e.id) <= (p_workspace_id, a.last_id)
      and (a.ids is null or e.id = any(a.ids))
    where a.workspace_id = p_workspace_id and a.source_table = 'email_events'
      and (p_campaign is null or e.campaign_name = p_campaign)
      and e.event_ts >= v_starts and e.event_ts < v_ends
      and (e.event_ts at time zone p_time_zone)::date <> all(v_email_days)
    union all
    select e.campaign_name, e.contact_email, e.event_type, d.day
    from unnest(v_email_days, v_email_starts, v_email_ends) as d(day, starts, ends)
    join public.email_events e on e.workspace_id = p_workspace_id and e.event_ts >= d.starts and e.event_ts < d.ends
    where p_campaign is null or e.campaign_name = p_campaign
  ), now_days as (
    select distinct 'c' || r.campaign_name as campaign_key, r.contact_email, r.day from pending r
  ), was_days as (
    select t.campaign_key, t.contact_email, t.day
    from unnest(v_email_days) d(day)
    join public.dashboard_contact_days t on t.workspace_id = p_workspace_id and t.day = d.day
    where case when p_campaign is null then t.campaign_key <> '' else t.campaign_key = 'c' || p_campaign end
    union
    select t.campaign_key, t.contact_email, t.day
    from now_days n
    join public.dashboard_contact_days t
      on t.workspace_id = p_workspace_id and t.campaign_key = n.campaign_key and t.contact_email = n.contact_email and t.day = n.day
  ), changed as (
    -- per campaign, the contacts active on a pending day now and not before, or the reverse
    select x.campaign_key, x.contact_email, bool_or(x.now_active) as now_active, bool_or(x.was_active) as was_active
    from (select campaign_key, contact_email, true as now_active, false as was_active from now_days
          union all
          select campaign_key, contact_email, false, true from was_days) x
    group by x.campaign_key, x.contact_email
  )
  select array_agg(row(c.campaign_name, c.sends, c.opens, c.clicks, c.replies, c.bounces, c.opt_outs,
                       c.contacts, c.cost, c.calls)::public.dashboard_campaign_figure)
    into campaigns
  from (
    select s.campaign_name, sum(s.sends)::bigint as sends, sum(s.opens)::bigint as opens, sum(s.clicks)::bigint as clicks,
           sum(s.replies)::bigint as replies, sum(s.bounces)::bigint as bounces, sum(s.opt_outs)::bigint as opt_outs,
           null::bigint as contacts, null::numeric as cost, null::bigint as calls
    from public.mv_daily_stats s
    where s.workspace_id = p_workspace_id and (p_campaign is null or s.campaign_name = p_campaign)
      and s.day between p_from and p_to and s.day <> all(v_email_days)
    group by s.campaign_name
    union all
    select r.campaign_name,
           count(*) filter (where r.event_type = 'sent'), count(*) filter (where r.event_type = 'opened'),
           count(*) filter (where r.event_type = 'clicked'), count(*) filter (where r.event_type = 'replied'),
           count(*) filter (where r.event_type = 'bounced'), count(*) filter (where r.event_type = 'opted_out'),
           null, null, null
    from pending r group by r.campaign_name
    union all
    select substr(c.campaign_key, 2), null, null, null, null, null, null, sum(c.contacts)::bigint, null, null
    from public.mv_daily_contacts c
    where c.workspace_id = p_workspace_id
      and (case when p_campaign is null then c.campaign_key <> '' else c.campaign_key = 'c' || p_campaign end)
      and c.day between p_from and p_to and c.previous_day < p_from
    group by c.campaign_key
    union all
    select substr(p.campaign_key, 2), null, null, null, null, null, null, sum(case when p.now_active then 1 else -1 end)::bigint, null, null
    from changed p
    where p.now_active <> p.was_active
      and not exists (
        select 1 from public.dashboard_contact_days t
        where t.workspace_id = p_workspace_id and t.campaign_key = p.campaign_key and t.contact_email = p.contact_email
          and t.day between p_from and p_to and t.day <> all(v_email_days))
    group by p.campaign_key
    union all
    select case when l.campaign_key = '' then null else substr(l.campaign_key, 2) end, null, null, null, null, null, null, null,
           sum(l.total_cost), sum(l.call_count)::bigint
    from public.mv_llm_cost l
    where l.workspace_id = p_workspace_id and (p_campaign is null or l.campaign_key = 'c' || p_campaign)
      and l.day between p_from and p_to and l.day <> all(v_llm_days)
    group by l.campaign_key
    union all
    select u.campaign_name, null, null, null, null, null, null, null, sum(u.cost_usd), count(*)
    from public.dashboard_appends a
    join public.llm_usage u on u.workspace_id = p_workspace_id
      and (u.workspace_id, u.id) >= (p_workspace_id, a.first_id) and (u.workspace_id, u.id) <= (p_workspace_id, a.last_id)
      and (a.ids is null or u.id = any(a.ids))
    where a.workspace_id = p_workspace_id and a.source_table = 'llm_usage'
      and (p_campaign is null or u.campaign_name = p_campaign)
      and u.created_at >= v_starts and u.created_at < v_ends
      and (u.created_at at time zone p_time_zone)::date <> all(v_llm_days)
    group by u.campaign_name
    union all
    select u.campaign_name, null, null, null, null, null, null, null, sum(u.cost_usd), count(*)
    from unnest(v_llm_days, v_llm_starts, v_llm_ends) as d(day, starts, ends)
    join public.llm_usage u on u.workspace_id = p_workspace_id and u.created_at >= d.starts and u.created_at < d.ends
    where p_campaign is null or u.campaign_name = p_campaign
    group by u.campaign_name
  ) c;
end
$$;
comment on function public.dashboard_campaign_figures_live(text, date, date, text, text) is
  'Per campaign figures over a range exact to the last committed write (views, pending appended rows, raw rows of days with pending updates or deletes).';

create function public.dashboard_campaigns_answer(
  p_workspace_id text, p_from date, p_to date, p_campaign text, p_source text, p_time_zone text, p_partial_day date,
  p_version bigint, p_freshness jsonb, p_campaigns public.dashboard_campaign_figure[], p_raw_email_days integer, p_raw_llm_days integer)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  with figures as (
    select c.campaign_name, sum(c.sends) as sends, sum(c.opens) as opens, sum(c.clicks) as clicks, sum(c.replies) as replies,
           sum(c.bounces) as bounces, sum(c.opt_outs) as opt_outs, sum(c.contacts) as contacts, sum(c.cost) as cost,
           sum(c.calls) as calls, bool_or(c.sends is not null) as emailed
    from unnest(p_campaigns) c
    group by c.campaign_name
  ), campaign_rows as (
    -- Every campaign with an email event or LLM usage in the range.
    select f.campaign_name,
           coalesce(f.sends, 0) as sends, coalesce(f.opens, 0) as opens, coalesce(f.clicks, 0) as clicks,
           coalesce(f.replies, 0) as replies, coalesce(f.bounces, 0) as bounces, coalesce(f.opt_outs, 0) as opt_outs,
           coalesce(f.contacts, 0) as unique_contacts, coalesce(f.cost, 0) as cost, coalesce(f.calls, 0) as calls
    from figures f
    where f.campaign_name is not null and (f.emailed or f.calls is not null)
  )
  select jsonb_build_object(
    'workspace_id', p_workspace_id,
    'from', to_char(p_from, 'YYYY-MM-DD'),
    'to', to_char(p_to, 'YYYY-MM-DD'),
    'campaign', p_campaign,
    'source', p_source,
    'time_zone', p_time_zone,
    'partial_day', to_char(p_partial_day, 'YYYY-MM-DD'),
    'data_version', p_version,
    'campaigns', (
      select coalesce(jsonb_agg(jsonb_build_object(
               'campaign_name', w.campaign_name,
               'sends', w.sends, 'opens', w.opens, 'clicks', w.clicks, 'replies', w.replies,
               'bounces', w.bounces, 'opt_outs', w.opt_outs, 'unique_contacts', w.unique_contacts,
               'total_cost_usd', round(w.cost, 6), 'llm_calls', w.calls,
               'cost_per_reply', case when w.replies > 0 then round(w.cost / w.replies, 6) end)
             || public.dashboard_email_rates(w.sends, w.opens, w.clicks, w.replies, w.bounces, w.opt_outs)
             order by w.sends desc, w.campaign_name collate "C"), '[]'::jsonb)
      from campaign_rows w),
    'unattributed', (
      select jsonb_build_object('total_cost_usd', round(coalesce(sum(f.cost), 0), 6), 'llm_calls', coalesce(sum(f.calls), 0))
      from figures f where f.campaign_name is null),
    'freshness', public.dashboard_freshness_rows(p_freshness, p_raw_email_days, p_raw_llm_days))
$$;
comment on function public.dashboard_campaigns_answer(text, date, date, text, text, text, date, bigint, jsonb, public.dashboard_campaign_figure[], integer, integer) is
  'Folds per campaign figures into the campaigns answer: counts, exact unique contacts, rates, LLM cost and calls, cost per reply, sorted by sends then name; unattributed LLM usage.';

drop function public.dashboard_campaigns_for_member(uuid, text, date, date, text, text, bigint);
drop function public.dashboard_campaigns(text, date, date, text, text, bigint);

create function public.dashboard_campaigns(
  p_workspace_id text,
  p_from date,
  p_to date,
  p_campaign text default null,
  p_source text default 'mv',
  p_known_version bigint default null
)
returns jsonb
language plpgsql
stable
security definer            -- reads views and raw tables the API roles cannot; callers need EXECUTE only
set search_path = ''
set statement_timeout = '10s'
as $$
declare
  v_zone    text;
  v_today   date;
  v_version bigint;
  v_figures record;
begin
  if p_workspace_id is null or p_from is null or p_to is null or p_from > p_to then
    raise exception 'dashboard_campaigns: workspace_id, from <= to are required' using errcode = '22023';
  end if;
  if p_source is null or p_source not in ('mv', 'raw', 'live') then
    raise exception 'dashboard_campaigns: source must be mv, raw or live' using errcode = '22023';
  end if;
  v_zone := public.dashboard_answer_zone(p_workspace_id, p_source);
  v_today := (now() at time zone v_zone)::date;
  v_version := public.dashboard_answer_version(p_workspace_id, p_source, p_to);
  if p_source <> 'raw' and p_known_version is not distinct from v_version then
    return jsonb_build_object('not_modified', true, 'data_version', v_version);
  end if;
  if p_source = 'mv' then
    select * into v_figures from public.dashboard_campaign_figures_mv(p_workspace_id, p_from, p_to, p_campaign);
  elsif p_source = 'live' and not public.dashboard_rebuild_pending(p_workspace_id) then
    select * into v_figures from public.dashboard_campaign_figures_live(p_workspace_id, p_from, p_to, p_campaign, v_zone);
  else
    select * into v_figures from public.dashboard_campaign_figures_raw(p_workspace_id, p_from, p_to, p_campaign, v_zone);
  end if;
  return public.dashboard_campaigns_answer(p_workspace_id, p_from, p_to, p_campaign, p_source, v_zone,
    case when v_today between p_from and p_to then v_today end, v_version,
    public.dashboard_answer_freshness(p_workspace_id, p_source), v_figures.campaigns, v_figures.raw_email_days, v_figures.raw_llm_days);
end
$$;
comment on function public.dashboard_campaigns(text, date, date, text, text, bigint) is
  'Every campaign of a workspace with an email event or LLM usage in an inclusive range of its local days (or only p_campaign), side by side: counts, exact unique contacts, rates, LLM cost and calls, cost per reply; sorted by sends (highest first), then name. unattributed: LLM usage tied to no campaign. Sources, time_zone and p_known_version as dashboard_aggregate.';

create function public.dashboard_campaigns_for_member(
  p_user_id uuid,
  p_workspace_id text,
  p_from date,
  p_to date,
  p_campaign text default null,
  p_source text default 'mv',
  p_known_version bigint default null
)
returns jsonb
language plpgsql
stable
security definer            -- reads workspace_members and calls dashboard_campaigns; callers need EXECUTE only
set search_path = ''
set statement_timeout = '10s'
as $$
declare
  v_refusal jsonb := public.dashboard_member_refusal(p_user_id, p_workspace_id, p_source);
begin
  if v_refusal is not null then
    return v_refusal;
  end if;
  return public.dashboard_campaigns(p_workspace_id, p_from, p_to, p_campaign, p_source, p_known_version);
end
$$;
comment on function public.dashboard_campaigns_for_member(uuid, text, date, date, text, text, bigint) is
  'dashboard_campaigns(...) for a signed-in user, with the membership check in the same call: {"error":"not_found"} for a non-member or a missing workspace (the same), {"error":"forbidden"} for source raw as a viewer, else exactly dashboard_campaigns''s answer.';

-- ---------------------------------------------------------------------------------------------
-- 8. What the server asks before an answer, the workspace list, and setting a zone
-- ---------------------------------------------------------------------------------------------

-- One small call before an answer: the zone its days are cut in, today there (to resolve range=7d
-- and the default range), and its data version (ETag basis).
create function public.dashboard_answer_context(p_workspace_id text, p_source text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
set statement_timeout = '2s'
as $$
declare
  v_zone text := public.dashboard_answer_zone(p_workspace_id, p_source);
begin
  if p_source is null or p_source not in ('mv', 'raw', 'live') then
    raise exception 'dashboard_answer_context: source must be mv, raw or live' using errcode = '22023';
  end if;
  return jsonb_build_object(
    'workspace_id', p_workspace_id,
    'source', p_source,
    'time_zone', v_zone,
    'today', to_char((now() at time zone v_zone)::date, 'YYYY-MM-DD'),
    'data_version', case when p_source <> 'raw' then public.dashboard_data_version(p_workspace_id, p_source) end);
end
$$;
comment on function public.dashboard_answer_context(text, text) is
  'Before an answer: {time_zone (the zone its days are cut in), today (in that zone), data_version (null for raw)} of one workspace and source.';

create function public.dashboard_answer_context_for_member(p_user_id uuid, p_workspace_id text, p_source text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
set statement_timeout = '2s'
as $$
declare
  v_refusal jsonb := public.dashboard_member_refusal(p_user_id, p_workspace_id, p_source);
begin
  if v_refusal is not null then
    return v_refusal;
  end if;
  return public.dashboard_answer_context(p_workspace_id, p_source)
         || jsonb_build_object('role', public.dashboard_member_role(p_user_id, p_workspace_id));
end
$$;
comment on function public.dashboard_answer_context_for_member(uuid, text, text) is
  'dashboard_answer_context(...) for a signed-in user, with the membership check in the same call (refusals as dashboard_aggregate_for_member), and the user''s role.';

-- The workspace list with each workspace's zone (first_day/last_day are days of the views' zone).
create or replace function public.dashboard_workspaces()
returns jsonb
language sql
stable
security definer
set search_path = ''
set statement_timeout = '5s'
as $$
  with campaigns as (
    select workspace_id, campaign_name, min(day) as first_day, max(day) as last_day
    from (
      select workspace_id, campaign_name, day from public.mv_daily_stats
      union all
      select workspace_id, campaign_name, day from public.mv_llm_cost
    ) d
    group by workspace_id, campaign_name
  ), listed as (
    select c.workspace_id,
           jsonb_build_object(
             'workspace_id', c.workspace_id,
             'first_day', to_char(min(c.first_day), 'YYYY-MM-DD'),
             'last_day', to_char(max(c.last_day), 'YYYY-MM-DD'),
             'campaigns', coalesce(jsonb_agg(jsonb_build_object(
                      'campaign_name', c.campaign_name,
                      'first_day', to_char(c.first_day, 'YYYY-MM-DD'),
                      'last_day', to_char(c.last_day, 'YYYY-MM-DD')) order by c.campaign_name collate "C")
                    filter (where c.campaign_name is not null), '[]'::jsonb)) as workspace
    from campaigns c
    group by c.workspace_id
  )
  select jsonb_build_object('workspaces', coalesce(jsonb_agg(
           w.workspace || jsonb_build_object('time_zone', coalesce(st.time_zone, 'UTC'))
           order by w.workspace_id collate "C"), '[]'::jsonb))
  from listed w
  left join public.workspace_settings st on st.workspace_id = w.workspace_id
$$;
comment on function public.dashboard_workspaces() is
  'Every workspace with data in the views: its first and last day with data, its campaigns (each with its days), and its time_zone.';

create or replace function public.dashboard_workspaces_for_member(p_user_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
set statement_timeout = '5s'
as $$
declare
  -- Read first, by its own statement (the same snapshot in a STABLE function): Citus cannot run a
  -- function that reads distributed tables inside a statement it sends to the workers.
  v_workspaces jsonb := public.dashboard_workspaces();
begin
  return (
    with member_of as (
      select m.workspace_id, m.role from public.workspace_members m where m.user_id = p_user_id
    ),
    with_data as (
      select w.value as workspace
      from jsonb_array_elements(v_workspaces -> 'workspaces') w
    )
    -- The caller's workspaces only, each with the caller's role; one joined but without data yet is
    -- listed too (no days, no campaigns).
    select jsonb_build_object('workspaces', coalesce(jsonb_agg(
             coalesce(d.workspace, jsonb_build_object('workspace_id', m.workspace_id, 'first_day', null, 'last_day', null,
                                                      'campaigns', '[]'::jsonb, 'time_zone', coalesce(st.time_zone, 'UTC')))
               || jsonb_build_object('role', m.role)
             order by m.workspace_id collate "C"), '[]'::jsonb))
    from member_of m
    left join with_data d on d.workspace ->> 'workspace_id' = m.workspace_id
    left join public.workspace_settings st on st.workspace_id = m.workspace_id);
end
$$;

-- The zones a workspace may take, for the page's list: each IANA name with its offset from UTC now.
create function public.dashboard_time_zones()
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_agg(jsonb_build_object('name', n.name, 'utc_offset_minutes', (extract(epoch from n.utc_offset) / 60)::integer)
                   order by n.name collate "C")
  from pg_catalog.pg_timezone_names n
$$;
comment on function public.dashboard_time_zones() is
  'Every IANA time zone name a workspace may take (pg_timezone_names), with its offset from UTC now in minutes.';

-- A workspace's zone: the setting, the zone its views are cut in (until the next refresh they differ
-- after a change), and whether a rebuild is pending.
create function public.dashboard_workspace_time_zone(p_workspace_id text)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'workspace_id', p_workspace_id,
    'time_zone', public.dashboard_answer_zone(p_workspace_id, 'live'),
    'views_time_zone', public.dashboard_answer_zone(p_workspace_id, 'mv'),
    'rebuild_pending', public.dashboard_answer_zone(p_workspace_id, 'live') <> public.dashboard_answer_zone(p_workspace_id, 'mv'))
$$;
comment on function public.dashboard_workspace_time_zone(text) is
  'A workspace''s time zone setting, the zone its views are cut in, and whether they differ (the next refresh rebuilds it).';

create function public.dashboard_workspace_time_zone_for_member(p_user_id uuid, p_workspace_id text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_refusal jsonb := public.dashboard_member_refusal(p_user_id, p_workspace_id, 'mv');
begin
  if v_refusal is not null then
    return v_refusal;
  end if;
  return public.dashboard_workspace_time_zone(p_workspace_id);
end
$$;
comment on function public.dashboard_workspace_time_zone_for_member(uuid, text) is
  'dashboard_workspace_time_zone(...) for a signed-in member ({"error":"not_found"} otherwise).';

-- Sets a workspace's zone (the next refresh rebuilds that workspace in it); an unknown name is an
-- answer naming it, never a write.
create function public.dashboard_set_time_zone(p_workspace_id text, p_time_zone text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if p_workspace_id is null or p_workspace_id = '' then
    raise exception 'dashboard_set_time_zone: a workspace_id is required' using errcode = '22023';
  end if;
  if p_time_zone is null or not exists (select 1 from pg_catalog.pg_timezone_names n where n.name = p_time_zone) then
    return jsonb_build_object('error', 'unknown_time_zone', 'time_zone', p_time_zone);
  end if;
  insert into public.workspace_settings as s (workspace_id, time_zone) values (p_workspace_id, p_time_zone)
  on conflict (workspace_id) do update set time_zone = excluded.time_zone
  where s.time_zone is distinct from excluded.time_zone;
  return public.dashboard_workspace_time_zone(p_workspace_id);
end
$$;
comment on function public.dashboard_set_time_zone(text, text) is
  'Sets a workspace''s IANA time zone (its buckets are rebuilt in it by the next refresh); {error: unknown_time_zone, time_zone} for a name not in pg_timezone_names, changing nothing.';

create function public.dashboard_set_time_zone_for_member(p_user_id uuid, p_workspace_id text, p_time_zone text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_role text := public.dashboard_member_role(p_user_id, p_workspace_id);
begin
  if v_role is null then
    return jsonb_build_object('error', 'not_found');
  end if;
  if v_role <> 'admin' then
    return jsonb_build_object('error', 'forbidden');
  end if;
  return public.dashboard_set_time_zone(p_workspace_id, p_time_zone);
end
$$;
comment on function public.dashboard_set_time_zone_for_member(uuid, text, text) is
  'dashboard_set_time_zone(...) for a signed-in admin of the workspace: {"error":"not_found"} for a non-member, {"error":"forbidden"} for a viewer.';

-- ---------------------------------------------------------------------------------------------
-- 9. On Citus: the new tables distributed by workspace_id (co-located), the small shared ones
--     replicated. Nothing happens here on a Postgres without Citus.
-- ---------------------------------------------------------------------------------------------

do $$
declare
  v_table text;
begin
  if not exists (select 1 from pg_catalog.pg_extension where extname = 'citus') then
    return;
  end if;
  set local citus.multi_shard_modify_mode = 'sequential';
  perform create_reference_table('public.workspace_settings');
  -- dashboard_truncations lives on the coordinator (a Citus local table), where TRUNCATE's trigger
  -- and the refresh run: as a reference table, its row written by the trigger while the shards are
  -- truncated over several connections made any later join of a distributed and a reference table
  -- in that transaction fail ("placements that were modified over multiple connections").
  perform citus_add_local_table_to_metadata('public.dashboard_truncations');
  foreach v_table in array array['dashboard_workspace_state', 'dashboard_appends', 'dashboard_change_log'] loop
    perform create_distributed_table(format('public.%I', v_table), 'workspace_id', colocate_with => 'public.email_events');
  end loop;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- 10. Privileges: only the server (service_role, or the owner) reaches any of this. Supabase's
--     default privileges would otherwise hand new tables and functions to anon and authenticated.
--     After the Citus step, which makes a table anew (with those default privileges).
-- ---------------------------------------------------------------------------------------------

alter table public.workspace_settings        enable row level security;
alter table public.dashboard_workspace_state enable row level security;
alter table public.dashboard_appends         enable row level security;
alter table public.dashboard_change_log      enable row level security;
alter table public.dashboard_truncations     enable row level security;

revoke all on table public.workspace_settings, public.dashboard_workspace_state, public.dashboard_appends,
  public.dashboard_change_log, public.dashboard_truncations from public, anon, authenticated;
grant select, insert, update, delete on table public.workspace_settings to service_role;
grant select on table public.dashboard_workspace_state, public.dashboard_appends, public.dashboard_change_log,
  public.dashboard_truncations to service_role;
do $$
declare
  v_sequence text;
begin
  for v_sequence in
    select pg_catalog.pg_get_serial_sequence(format('public.%I', t), 'id')
    from unnest(array['dashboard_appends', 'dashboard_change_log', 'dashboard_truncations']) t
  loop
    execute format('revoke all on sequence %s from public, anon, authenticated', v_sequence);
  end loop;
end
$$;
revoke all on type public.dashboard_day_figure, public.dashboard_cost_figure, public.dashboard_contacts_figure,
  public.dashboard_step_figure, public.dashboard_campaign_figure from public, anon, authenticated;

revoke all on function
  public.dashboard_check_time_zone(text), public.dashboard_day_start(date, text), public.dashboard_track_changes(),
  public.dashboard_rebuild_share(), public.dashboard_refresh_tables(), public.dashboard_refresh_plan(boolean),
  public.dashboard_refresh_capture(boolean, boolean, bigint[]), public.dashboard_merge_buckets(text, text, text, boolean),
  public.dashboard_add_steps(jsonb, jsonb), public.dashboard_refresh_workspaces(bigint), public.dashboard_pending_days(text),
  public.dashboard_answer_zone(text, text), public.dashboard_spans(date, date, text, date, date),
  public.dashboard_figures_mv(text, date, date, text, text, date, date),
  public.dashboard_figures_raw(text, date, date, text, text, date, date, text),
  public.dashboard_recomputed_days(text, text, text, date, date),
  public.dashboard_figures_live(text, date, date, text, text, date, date, text),
  public.dashboard_answer(text, date, date, text, text, text, text, text, date, date, date, bigint, jsonb,
    public.dashboard_day_figure[], public.dashboard_cost_figure[], public.dashboard_contacts_figure[], public.dashboard_step_figure[], integer, integer),
  public.dashboard_rebuild_pending(text),
  public.dashboard_aggregate(text, date, date, text, text, bigint, text, text),
  public.dashboard_aggregate_for_member(uuid, text, date, date, text, text, bigint, text, text),
  public.dashboard_campaign_figures_mv(text, date, date, text), public.dashboard_campaign_figures_raw(text, date, date, text, text),
  public.dashboard_campaign_figures_live(text, date, date, text, text),
  public.dashboard_campaigns_answer(text, date, date, text, text, text, date, bigint, jsonb, public.dashboard_campaign_figure[], integer, integer),
  public.dashboard_campaigns(text, date, date, text, text, bigint),
  public.dashboard_campaigns_for_member(uuid, text, date, date, text, text, bigint),
  public.dashboard_answer_context(text, text), public.dashboard_answer_context_for_member(uuid, text, text),
  public.dashboard_time_zones(), public.dashboard_workspace_time_zone(text), public.dashboard_set_time_zone(text, text),
  public.dashboard_set_time_zone_for_member(uuid, text, text), public.dashboard_workspace_time_zone_for_member(uuid, text)
  from public, anon, authenticated;
grant execute on function
  public.dashboard_aggregate(text, date, date, text, text, bigint, text, text),
  public.dashboard_aggregate_for_member(uuid, text, date, date, text, text, bigint, text, text),
  public.dashboard_campaigns(text, date, date, text, text, bigint),
  public.dashboard_campaigns_for_member(uuid, text, date, date, text, text, bigint),
  public.dashboard_answer_context(text, text), public.dashboard_answer_context_for_member(uuid, text, text),
  public.dashboard_time_zones(), public.dashboard_workspace_time_zone(text), public.dashboard_set_time_zone(text, text),
  public.dashboard_set_time_zone_for_member(uuid, text, text), public.dashboard_workspace_time_zone_for_member(uuid, text)
  to service_role;

-- ---------------------------------------------------------------------------------------------
-- 11. The contract's version (see 20251223000001): answers gain time_zone, days are local, the
--     answer context and the time zone functions are new. Apps of the previous version still work.
-- ---------------------------------------------------------------------------------------------

create or replace function public.dashboard_schema_version()
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object('version', '20251226000001', 'compatible_since', '20251222000001')
$$;
