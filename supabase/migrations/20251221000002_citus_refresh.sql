-- The change tracking and the refresh, written so that Citus can run them (and the same on one
-- Postgres). Each function keeps its signature, its result and, on one Postgres, its plan; what
-- changed is only the form of statements a Citus coordinator refused (see README "Scaling out"):
--
--   * the change-tracking triggers run on every shard on Citus, where a statement that reads the
--     trigger's transition table and writes a distributed table fails ("could not find named
--     tuplestore"): they read the buckets into arrays first, then insert them; a TRUNCATE is logged
--     by the trigger of the table itself on the coordinator (a shard's trigger cannot read the
--     distributed view: "cannot execute a distributed query from a query on a shard");
--   * dashboard_merge_buckets found the rows to delete and insert with a correlated NOT EXISTS
--     between a view and a temporary table ("relation ... is not distributed"): now EXCEPT, whose
--     two sides Citus plans on their own;
--   * dashboard_refresh_contacts probed dashboard_contact_days per changed contact with LATERAL ...
--     LIMIT 1 / OFFSET 0 from temporary tables ("cannot push down this subquery"): the bucket read is
--     a plain join, and the chain repair runs one workspace at a time, which Citus routes whole to
--     the node holding that workspace;
--   * reads: LANGUAGE sql functions that pass their parameters to distributed tables are PL/pgSQL
--     now, and a function that reads distributed tables is called by its own statement, never
--     inside a statement Citus routes to a worker.

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

-- Step 3, incremental (see 20251209000001_incremental_view_maintenance.sql).
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

-- ---------------------------------------------------------------------------------------------
-- Reads. Citus cannot plan a statement of a LANGUAGE sql function that passes the function's
-- parameters to a distributed table ("could not create distributed plan ... parameters in SQL
-- functions"); the same statements in PL/pgSQL are planned with the values. So these become
-- PL/pgSQL, with the same signatures, settings and answers.
-- ---------------------------------------------------------------------------------------------

create or replace function public.dashboard_data_version(p_workspace_id text, p_source text)
returns bigint
language plpgsql
stable
security definer            -- reads the refresh and change logs, which the API roles cannot
set search_path = ''
as $$
begin
  return (
    -- In numeric: on Citus, ids made on a worker start at 2^48 times the worker's group.
    select (case when p_source = 'live'
      then (pending.n * 1000003 + pending.last_id)::numeric * 100003 + refreshed.id
      else refreshed.id end % 1000000000000000)::bigint
    from (select coalesce(max(id), 0) as id from public.dashboard_view_refreshes) refreshed,
         (select count(*) as n, coalesce(max(id), 0) as last_id from public.dashboard_change_log
          where workspace_id = p_workspace_id) pending);
end
$$;

-- The pending buckets are counted per source table once and joined to the views (Citus does not
-- push a subquery correlated with a reference table down to the shards).
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

-- The rows are turned into JSON objects before they are aggregated: Citus pulls the arguments of an
-- aggregate it cannot push down from the workers, and cannot read an anonymous row type back.
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
  )
  select jsonb_build_object('workspaces', coalesce(jsonb_agg(w.workspace order by w.workspace_id collate "C"), '[]'::jsonb))
  from (
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
  ) w
$$;

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
             coalesce(d.workspace, jsonb_build_object('workspace_id', m.workspace_id, 'first_day', null, 'last_day', null, 'campaigns', '[]'::jsonb))
               || jsonb_build_object('role', m.role)
             order by m.workspace_id collate "C"), '[]'::jsonb))
    from member_of m
    left join with_data d on d.workspace ->> 'workspace_id' = m.workspace_id);
end
$$;

-- The whole dashboard answer, unchanged but for one thing: the views' freshness is read by its own
-- statement before the answer (see the comment inside).
create or replace function public.dashboard_aggregate(
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
  v_version   bigint;
  v_result    jsonb;
  v_freshness jsonb;
  -- The scope's key in mv_daily_contacts and dashboard_contact_days.
  v_key     text := coalesce('c' || p_campaign, '');
begin
  if p_workspace_id is null or p_from is null or p_to is null or p_from > p_to then
    raise exception 'dashboard_aggregate: workspace_id, from <= to are required' using errcode = '22023';
  end if;
  if p_source is null or p_source not in ('mv', 'raw', 'live') then
    raise exception 'dashboard_aggregate: source must be mv, raw or live' using errcode = '22023';
  end if;
  v_version := public.dashboard_data_version(p_workspace_id, p_source);
  -- The caller already holds the answer for this data version: say so and skip the work.
  if p_source <> 'raw' and p_known_version is not distinct from v_version then
    return jsonb_build_object('not_modified', true, 'data_version', v_version);
  end if;
  -- The views' freshness is read before the answer, by its own statement (in a STABLE function,
  -- the same snapshot): on Citus the answer below is routed whole to the node holding the
  -- workspace, where a call of a function that reads distributed tables cannot run.
  select jsonb_agg(jsonb_build_object(
           'view_name', f.view_name,
           'last_refreshed', to_char(f.last_refreshed at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'age_seconds', f.age_seconds,
           'pending_buckets', f.pending_buckets,
           'live', p_source = 'live',
           'source_table', v.source_table,
           'position', v.position))
    into v_freshness
  from public.dashboard_view_freshness(p_workspace_id) f
  join public.dashboard_views v on v.view_name = f.view_name;

  with
  days as (
    select d::date as day from generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') d
  ),
  -- Days of the range read from raw rows: all of them for raw, the pending ones for live.
  raw_email_days as (
    select day from days where p_source = 'raw'
    union all
    select distinct c.day from public.dashboard_change_log c
    where p_source = 'live' and c.workspace_id = p_workspace_id and c.source_table = 'email_events'
      and c.day between p_from and p_to
  ),
  raw_llm_days as (
    select day from days where p_source = 'raw'
    union all
    select distinct c.day from public.dashboard_change_log c
    where p_source = 'live' and c.workspace_id = p_workspace_id and c.source_table = 'llm_usage'
      and c.day between p_from and p_to
  ),
  -- Raw events of those days: one index range over the whole range for raw, one per pending day
  -- for live.
  raw_events as (
    select e.contact_email, e.event_type, e.email_number, (e.event_ts at time zone 'UTC')::date as day
    from public.email_events e
    where p_source = 'raw'
      and e.workspace_id = p_workspace_id
      and (p_campaign is null or e.campaign_name = p_campaign)
      and e.event_ts >= (p_from::timestamp at time zone 'UTC')
      and e.event_ts <  ((p_to + 1)::timestamp at time zone 'UTC')
    union all
    select e.contact_email, e.event_type, e.email_number, d.day
    from raw_email_days d
    join public.email_events e
      on e.workspace_id = p_workspace_id
     and e.event_ts >= (d.day::timestamp at time zone 'UTC')
     and e.event_ts <  ((d.day + 1)::timestamp at time zone 'UTC')
    where p_source = 'live' and (p_campaign is null or e.campaign_name = p_campaign)
  ),
  -- Email counts per day.
  daily as (
    select s.day, sum(s.sends) as sends, sum(s.opens) as opens, sum(s.clicks) as clicks, sum(s.replies) as replies,
           sum(s.bounces) as bounces, sum(s.opt_outs) as opt_outs,
           sum(s.email_1_sends) as step_1, sum(s.email_2_sends) as step_2, sum(s.email_3_sends) as step_3,
           sum(s.email_4_sends) as step_4, sum(s.email_5_sends) as step_5
    from public.mv_daily_stats s
    where p_source <> 'raw'
      and s.workspace_id = p_workspace_id
      and (p_campaign is null or s.campaign_name = p_campaign)
      and s.day between p_from and p_to
      and s.day not in (select day from raw_email_days)
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
    from raw_events r
    group by r.day
  ),
  -- The scope's rows of mv_daily_contacts in the range (the campaign's, or the whole workspace's).
  contact_rows as (
    select c.day, c.previous_day, c.contacts
    from public.mv_daily_contacts c
    where p_source <> 'raw'
      and c.workspace_id = p_workspace_id and c.campaign_key = v_key and c.day between p_from and p_to
  ),
  -- Distinct contacts per day (in the campaign, or anywhere in the workspace).
  daily_contacts as (
    select c.day, sum(c.contacts) as contacts
    from contact_rows c
    where c.day not in (select day from raw_email_days)
    group by c.day
    union all
    select r.day, count(distinct r.contact_email)
    from raw_events r
    group by r.day
  ),
  -- Live: contacts active on a pending day, as of the last refresh (state) and now (raw rows).
  pending_contacts as (
    select contact_email, bool_or(now_active) as now_active, bool_or(was_active) as was_active
    from (
      select r.contact_email, true as now_active, false as was_active
      from raw_events r where p_source = 'live'
      union all
      select t.contact_email, false, true
      from raw_email_days d
      join public.dashboard_contact_days t
        on t.workspace_id = p_workspace_id and t.day = d.day and t.campaign_key = v_key
      where p_source = 'live'
    ) x
    group by contact_email
  ),
  -- Distinct contacts over the whole range, exactly. From the view: the contacts whose previous
  -- active day lies before the range, on their first active day in it (see mv_daily_contacts). Live
  -- corrects that count for the contacts of pending days: one who is active now only on pending
  -- days (no active day in the range outside them) adds one; one who was active only there before
  -- and no longer is removes one.
  range_contacts as (
    select coalesce(sum(c.contacts), 0) as contacts
    from contact_rows c
    where c.previous_day < p_from
    union all
    select count(distinct r.contact_email) from raw_events r where p_source = 'raw'
    union all
    select coalesce(sum(case when p.now_active then 1 else -1 end), 0)
    from pending_contacts p
    where p.now_active <> p.was_active
      and not exists (
        select 1 from public.dashboard_contact_days t
        where t.workspace_id = p_workspace_id and t.campaign_key = v_key and t.contact_email = p.contact_email
          and t.day between p_from and p_to and t.day not in (select day from raw_email_days))
  ),
  -- LLM cost per provider, model and day; with a campaign only that campaign's usage.
  cost as (
    select l.provider, l.model, l.day, sum(l.total_cost) as cost, sum(l.total_tokens_in) as tokens_in,
           sum(l.total_tokens_out) as tokens_out, sum(l.call_count) as calls
    from public.mv_llm_cost l
    where p_source <> 'raw'
      and l.workspace_id = p_workspace_id
      and (p_campaign is null or l.campaign_name = p_campaign)
      and l.day between p_from and p_to
      and l.day not in (select day from raw_llm_days)
    group by l.provider, l.model, l.day
    union all
    select u.provider, u.model, (u.created_at at time zone 'UTC')::date, sum(u.cost_usd), sum(u.tokens_in),
           sum(u.tokens_out), count(*)
    from public.llm_usage u
    where p_source = 'raw'
      and u.workspace_id = p_workspace_id
      and (p_campaign is null or u.campaign_name = p_campaign)
      and u.created_at >= (p_from::timestamp at time zone 'UTC')
      and u.created_at <  ((p_to + 1)::timestamp at time zone 'UTC')
    group by u.provider, u.model, (u.created_at at time zone 'UTC')::date
    union all
    select u.provider, u.model, d.day, sum(u.cost_usd), sum(u.tokens_in), sum(u.tokens_out), count(*)
    from raw_llm_days d
    join public.llm_usage u
      on u.workspace_id = p_workspace_id
     and u.created_at >= (d.day::timestamp at time zone 'UTC')
     and u.created_at <  ((d.day + 1)::timestamp at time zone 'UTC')
    where p_source = 'live' and (p_campaign is null or u.campaign_name = p_campaign)
    group by u.provider, u.model, d.day
  ),
  cost_day_provider as (
    select day, provider, sum(cost) as cost from cost group by day, provider
  ),
  -- One row per day; its cost per provider covers every provider with usage in the range.
  cost_by_day as (
    select d.day,
           coalesce(sum(x.cost), 0) as cost,
           coalesce(jsonb_object_agg(p.provider, coalesce(x.cost, 0)) filter (where p.provider is not null), '{}'::jsonb) as by_provider
    from days d
    left join (select distinct provider from cost) p on true
    left join cost_day_provider x on x.day = d.day and x.provider = p.provider
    group by d.day
  ),
  timeseries as (
    select d.day,
           coalesce(e.sends, 0) as sends, coalesce(e.opens, 0) as opens, coalesce(e.clicks, 0) as clicks,
           coalesce(e.replies, 0) as replies, coalesce(e.bounces, 0) as bounces, coalesce(e.opt_outs, 0) as opt_outs,
           coalesce(u.contacts, 0) as unique_contacts,
           cd.cost, cd.by_provider,
           coalesce(e.step_1, 0) as step_1, coalesce(e.step_2, 0) as step_2, coalesce(e.step_3, 0) as step_3,
           coalesce(e.step_4, 0) as step_4, coalesce(e.step_5, 0) as step_5
    from days d
    left join daily e on e.day = d.day
    left join daily_contacts u on u.day = d.day
    join cost_by_day cd on cd.day = d.day
  ),
  totals as (
    select sum(sends) as sends, sum(opens) as opens, sum(clicks) as clicks, sum(replies) as replies,
           sum(bounces) as bounces, sum(opt_outs) as opt_outs,
           sum(step_1) as step_1, sum(step_2) as step_2, sum(step_3) as step_3, sum(step_4) as step_4, sum(step_5) as step_5
    from timeseries
  ),
  cost_totals as (
    select coalesce(sum(cost), 0) as cost, coalesce(sum(tokens_in), 0) as tokens_in,
           coalesce(sum(tokens_out), 0) as tokens_out, coalesce(sum(calls), 0) as calls
    from cost
  ),
  raw_buckets as (
    select (select count(*) from raw_email_days) as email, (select count(*) from raw_llm_days) as llm
  )
  select jsonb_build_object(
    'workspace_id', p_workspace_id,
    'from', to_char(p_from, 'YYYY-MM-DD'),
    'to', to_char(p_to, 'YYYY-MM-DD'),
    'campaign', p_campaign,
    'source', p_source,
    'data_version', v_version,
    'summary', jsonb_build_object(
      'sends', t.sends, 'opens', t.opens, 'clicks', t.clicks, 'replies', t.replies,
      'bounces', t.bounces, 'opt_outs', t.opt_outs,
      'unique_contacts', (select sum(contacts) from range_contacts),
      'open_rate',    case when t.sends > 0 then round(t.opens    / t.sends, 6) end,
      'click_rate',   case when t.sends > 0 then round(t.clicks   / t.sends, 6) end,
      'reply_rate',   case when t.sends > 0 then round(t.replies  / t.sends, 6) end,
      'bounce_rate',  case when t.sends > 0 then round(t.bounces  / t.sends, 6) end,
      'opt_out_rate', case when t.sends > 0 then round(t.opt_outs / t.sends, 6) end,
      'total_cost_usd', round(ct.cost, 6), 'llm_calls', ct.calls, 'tokens_in', ct.tokens_in, 'tokens_out', ct.tokens_out),
    'timeseries', (
      select jsonb_agg(jsonb_build_object(
               'day', to_char(ts.day, 'YYYY-MM-DD'), 'sends', ts.sends, 'opens', ts.opens, 'clicks', ts.clicks,
               'replies', ts.replies, 'bounces', ts.bounces, 'opt_outs', ts.opt_outs,
               'unique_contacts', ts.unique_contacts, 'cost_usd', round(ts.cost, 6), 'cost_by_provider', ts.by_provider)
             order by ts.day)
      from timeseries ts),
    'sequence', jsonb_build_array(
      jsonb_build_object('step', 1, 'sends', t.step_1), jsonb_build_object('step', 2, 'sends', t.step_2),
      jsonb_build_object('step', 3, 'sends', t.step_3), jsonb_build_object('step', 4, 'sends', t.step_4),
      jsonb_build_object('step', 5, 'sends', t.step_5)),
    'cost_breakdown', (
      select coalesce(jsonb_agg(jsonb_build_object(
               'provider', b.provider, 'model', b.model, 'total_cost_usd', round(b.cost, 6),
               'tokens_in', b.tokens_in, 'tokens_out', b.tokens_out, 'call_count', b.calls)
             order by b.cost desc, b.provider collate "C", b.model collate "C"), '[]'::jsonb)
      from (select provider, model, sum(cost) as cost, sum(tokens_in) as tokens_in, sum(tokens_out) as tokens_out,
                   sum(calls) as calls
            from cost group by provider, model) b),
    -- Per view: the moment its data is current as of (UTC, ISO 8601; null if never refreshed), its
    -- age, the workspace's buckets waiting for a refresh, and how many days of this answer were read
    -- from raw rows instead (all of them for raw, the pending ones for live).
    'freshness', (
      select coalesce(jsonb_agg(
               (f.value - 'source_table' - 'position')
               || jsonb_build_object('raw_buckets', case when f.value ->> 'source_table' = 'llm_usage' then rb.llm else rb.email end)
             order by (f.value ->> 'position')::integer), '[]'::jsonb)
      from jsonb_array_elements(v_freshness) f)
  )
  into v_result
  from totals t cross join cost_totals ct cross join raw_buckets rb;

  return v_result;
end
$$;
