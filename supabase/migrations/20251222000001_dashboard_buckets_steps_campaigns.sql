-- Issue 12, the server side: week and month buckets, every step of the sequence, the partial day,
-- the previous period in the same answer, and the campaigns side by side.
--
--   * mv_daily_stats gains later_step_sends (sends of steps 6 and later, per step), maintained by the
--     same refresh step as its other columns and filled here for the data already there;
--   * dashboard_aggregate(...) gains p_interval (day | week | month) and p_compare (previous); every
--     figure is summed per bucket, and unique contacts stay exact per bucket and per period;
--   * dashboard_campaigns(...): every campaign of a workspace with activity in a range, one row each.
-- A different signature is a new overload, so the old dashboard_aggregate and its _for_member wrapper
-- are dropped and created again with the new parameters (defaults keep every old call valid).

-- On a Citus coordinator, the column added below is DDL run on every shard in parallel, after which
-- Citus refuses the function commands of this migration in the same transaction: one connection per
-- node instead. Nothing happens here on a Postgres without Citus.
do $$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'citus') then
    set local citus.multi_shard_modify_mode = 'sequential';
  end if;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- 1. Steps past 5 in the view
-- ---------------------------------------------------------------------------------------------

-- Steps 1-5 stay the spec's email_N_sends columns; a sequence may be longer (the demo's has 7), and
-- one JSON object per row holds the later steps without a column per step.
alter table public.mv_daily_stats add column later_step_sends jsonb not null default '{}'::jsonb;
comment on column public.mv_daily_stats.later_step_sends is
  'Sends of the steps after 5 (email_number 6 and later) by step: {"6": 12, "7": 3}; only steps with sends, {} when none.';

-- Refresh step 2 (first defined in 20251209000001), now also counting the later steps.
create or replace function public.dashboard_refresh_daily_stats()
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
    group by workspace_id, campaign_name, day
  ) e
  join (
    select workspace_id, campaign_key, day, count(*) as contacts
    from pg_temp.dashboard_staged_contacts
    where campaign_key <> ''
    group by workspace_id, campaign_key, day
  ) c on c.workspace_id = e.workspace_id and c.campaign_key = 'c' || e.campaign_name and c.day = e.day
  left join (
    select workspace_id, campaign_name, day, jsonb_object_agg(email_number::text, sends) as steps
    from (
      select workspace_id, campaign_name, day, email_number, count(*) as sends
      from pg_temp.dashboard_staged_email
      where event_type = 'sent' and email_number > 5
      group by workspace_id, campaign_name, day, email_number
    ) s
    group by workspace_id, campaign_name, day
  ) l on l.workspace_id = e.workspace_id and l.campaign_name = e.campaign_name and l.day = e.day;
  analyze pg_temp.dashboard_staged_stats;

  return public.dashboard_merge_buckets('mv_daily_stats', 'dashboard_staged_stats', 'email_events');
end
$$;
comment on function public.dashboard_refresh_daily_stats() is
  'Refresh step 2: the contacts active per dirty bucket and scope, and mv_daily_stats recomputed for the dirty buckets (steps after 5 in later_step_sends); returns rows written.';

-- The rows already in the view, filled from the raw rows. A bucket written since the last refresh is
-- in the change log and recomputed whole by the next refresh anyway. One workspace at a time: on
-- Citus each statement is then routed whole to the node holding that workspace.
do $$
declare
  v_workspace text;
begin
  for v_workspace in
    select distinct workspace_id from public.email_events where event_type = 'sent' and email_number > 5
  loop
    update public.mv_daily_stats s set later_step_sends = l.steps
    from (
      select campaign_name, day, jsonb_object_agg(email_number::text, sends) as steps
      from (
        select e.campaign_name, (e.event_ts at time zone 'UTC')::date as day, e.email_number, count(*) as sends
        from public.email_events e
        where e.workspace_id = v_workspace and e.event_type = 'sent' and e.email_number > 5
        group by 1, 2, 3
      ) x
      group by campaign_name, day
    ) l
    where s.workspace_id = v_workspace and s.campaign_name = l.campaign_name and s.day = l.day;
  end loop;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- 2. Shared pieces of the dashboard's answers
-- ---------------------------------------------------------------------------------------------

-- The ETag basis of one answer. An answer whose range reaches yesterday or later also depends on the
-- UTC day (partial_day, the like-for-like comparison): the day is folded in, so a cached answer
-- stops matching at midnight even when no data changed.
create function public.dashboard_answer_version(p_workspace_id text, p_source text, p_to date)
returns bigint
language plpgsql
stable
security definer            -- reads the refresh and change logs, which the API roles cannot
set search_path = ''
as $$
declare
  v_today   date := (now() at time zone 'UTC')::date;
  v_version bigint := public.dashboard_data_version(p_workspace_id, p_source);
begin
  if p_to >= v_today - 1 then
    return ((v_version::numeric * 100003 + (v_today - date '2000-01-01')) % 1000000000000000)::bigint;
  end if;
  return v_version;
end
$$;
comment on function public.dashboard_answer_version(text, text, date) is
  'ETag basis of a dashboard answer for a range ending p_to: dashboard_data_version, and the UTC day when the answer depends on it (a range reaching yesterday or later).';

-- The freshness rows of an answer, before its raw_buckets are known. Read by its own statement: on
-- Citus an answer is routed whole to the node holding the workspace, where a call of a function
-- that reads distributed tables cannot run.
create function public.dashboard_answer_freshness(p_workspace_id text, p_source text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return (
    select jsonb_agg(jsonb_build_object(
             'view_name', f.view_name,
             'last_refreshed', to_char(f.last_refreshed at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
             'age_seconds', f.age_seconds,
             'pending_buckets', f.pending_buckets,
             'live', p_source = 'live',
             'source_table', v.source_table,
             'position', v.position))
    from public.dashboard_view_freshness(p_workspace_id) f
    join public.dashboard_views v on v.view_name = f.view_name);
end
$$;
comment on function public.dashboard_answer_freshness(text, text) is
  'The freshness rows of a dashboard answer (with source_table and position, for the caller to add raw_buckets and drop them).';

-- The rates of a set of email counts, as every answer states them: fractions of sends rounded to 6
-- decimals, null without sends. Called once per summary or campaign row, never per raw row.
create function public.dashboard_email_rates(p_sends numeric, p_opens numeric, p_clicks numeric, p_replies numeric, p_bounces numeric, p_opt_outs numeric)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object(
    'open_rate',    case when p_sends > 0 then round(p_opens    / p_sends, 6) end,
    'click_rate',   case when p_sends > 0 then round(p_clicks   / p_sends, 6) end,
    'reply_rate',   case when p_sends > 0 then round(p_replies  / p_sends, 6) end,
    'bounce_rate',  case when p_sends > 0 then round(p_bounces  / p_sends, 6) end,
    'opt_out_rate', case when p_sends > 0 then round(p_opt_outs / p_sends, 6) end)
$$;
comment on function public.dashboard_email_rates(numeric, numeric, numeric, numeric, numeric, numeric) is
  'open/click/reply/bounce/opt-out rates of email counts: fractions of sends rounded to 6 decimals, null when sends is 0.';

-- An answer's freshness rows (from dashboard_answer_freshness) with the days of this answer read from
-- raw rows per source table, in the views' order.
create function public.dashboard_freshness_rows(p_freshness jsonb, p_email_days bigint, p_llm_days bigint)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select coalesce(jsonb_agg(
           (f.value - 'source_table' - 'position')
           || jsonb_build_object('raw_buckets', case when f.value ->> 'source_table' = 'llm_usage' then p_llm_days else p_email_days end)
         order by (f.value ->> 'position')::integer), '[]'::jsonb)
  from jsonb_array_elements(p_freshness) f
$$;
comment on function public.dashboard_freshness_rows(jsonb, bigint, bigint) is
  'The freshness rows of a dashboard answer with raw_buckets: the days read from raw rows for the view''s source table.';

-- ---------------------------------------------------------------------------------------------
-- 3. dashboard_aggregate with buckets, every step, the partial day and the previous period
-- ---------------------------------------------------------------------------------------------

drop function public.dashboard_aggregate_for_member(uuid, text, date, date, text, text, bigint);
drop function public.dashboard_aggregate(text, date, date, text, text, bigint);

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
  v_today         date := (now() at time zone 'UTC')::date;
  -- The day of the range still filling: today (UTC, the database's clock) when the range holds it.
  v_partial       date;
  -- The like-for-like comparison: the range's complete days, and as many days just before them.
  v_current_to    date;
  v_previous_from date;
  v_version       bigint;
  v_result        jsonb;
  v_freshness     jsonb;
  -- The scope's key in mv_daily_contacts and dashboard_contact_days.
  v_key           text := coalesce('c' || p_campaign, '');
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
  v_partial := case when v_today between p_from and p_to then v_today end;
  -- Complete days are the days before today. A range without one (today only, or the future) has
  -- nothing to compare.
  if p_compare = 'previous' and least(p_to, v_today - 1) >= p_from then
    v_current_to := least(p_to, v_today - 1);
    v_previous_from := p_from - (v_current_to - p_from + 1);
  end if;
  v_version := public.dashboard_answer_version(p_workspace_id, p_source, p_to);
  -- The caller already holds the answer for this data version: say so and skip the work.
  if p_source <> 'raw' and p_known_version is not distinct from v_version then
    return jsonb_build_object('not_modified', true, 'data_version', v_version);
  end if;
  v_freshness := public.dashboard_answer_freshness(p_workspace_id, p_source);

  with
  -- Every day read: the range, and before it the previous period when comparing.
  days as (
    select d::date as day
    from generate_series(coalesce(v_previous_from, p_from)::timestamp, p_to::timestamp, interval '1 day') d
  ),
  -- The periods summarised: the range, and the two compared ones.
  periods as (
    select p.span, p.span_start, p.span_end
    from (values ('range', p_from, p_to), ('current', p_from, v_current_to), ('previous', v_previous_from, p_from - 1))
      as p(span, span_start, span_end)
    where p.span = 'range' or v_current_to is not null
  ),
  -- Each day with every span it counts in: its bucket of the timeseries (days of the range only; a
  -- bucket starts on the day, the ISO week's Monday or the month's 1st, clipped to the range) and
  -- each period holding it. A span is (span, span_start, span_end).
  day_spans as (
    select b.day, 'bucket' as span, greatest(p_from, b.start) as span_start, least(p_to, b.finish) as span_end
    from (
      select d.day,
             case p_interval
               when 'week' then date_trunc('week', d.day::timestamp)::date
               when 'month' then date_trunc('month', d.day::timestamp)::date
               else d.day
             end as start,
             case p_interval
               when 'week' then date_trunc('week', d.day::timestamp)::date + 6
               when 'month' then (date_trunc('month', d.day::timestamp) + interval '1 month')::date - 1
               else d.day
             end as finish
      from days d
      where d.day >= p_from
    ) b
    union all
    select d.day, p.span, p.span_start, p.span_end
    from days d join periods p on d.day between p.span_start and p.span_end
  ),
  -- Days read from raw rows: all of them for raw, the pending ones for live.
  raw_email_days as (
    select day from days where p_source = 'raw'
    union all
    select distinct c.day from public.dashboard_change_log c
    where p_source = 'live' and c.workspace_id = p_workspace_id and c.source_table = 'email_events'
      and c.day between coalesce(v_previous_from, p_from) and p_to
  ),
  raw_llm_days as (
    select day from days where p_source = 'raw'
    union all
    select distinct c.day from public.dashboard_change_log c
    where p_source = 'live' and c.workspace_id = p_workspace_id and c.source_table = 'llm_usage'
      and c.day between coalesce(v_previous_from, p_from) and p_to
  ),
  -- Raw events of those days: one index range over all the days for raw, one per pending day for
  -- live.
  raw_events as (
    select e.contact_email, e.event_type, e.email_number, (e.event_ts at time zone 'UTC')::date as day
    from public.email_events e
    where p_source = 'raw'
      and e.workspace_id = p_workspace_id
      and (p_campaign is null or e.campaign_name = p_campaign)
      and e.event_ts >= (coalesce(v_previous_from, p_from)::timestamp at time zone 'UTC')
      and e.event_ts <  ((p_to + 1)::timestamp at time zone 'UTC')
    union all
    select e.contact_email, e.event_type, e.email_number, d.day
    from raw_email_days d
    join public.email_events e
      on e.workspace_id = p_workspace_id
     and e.event_ts >= (d.day::timestamp at time zone 'UTC')
     and e.event_ts <  ((d.day + 1)::timestamp at time zone 'UTC')
    where p_source = 'live' and (p_campaign is null or e.campaign_name = p_campaign)
      -- The same days as one outer range, known once: what lets the planner see how few rows it is.
      and e.event_ts >= ((select min(day) from raw_email_days)::timestamp at time zone 'UTC')
      and e.event_ts <  (((select max(day) from raw_email_days) + 1)::timestamp at time zone 'UTC')
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
      and s.day between coalesce(v_previous_from, p_from) and p_to
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
  -- Sends of the steps after 5 over the range, each step with sends.
  later_steps as (
    select l.step, sum(l.sends) as sends
    from (
      select x.key::integer as step, x.value::bigint as sends
      from public.mv_daily_stats s
      cross join lateral jsonb_each_text(s.later_step_sends) x
      where p_source <> 'raw'
        and s.workspace_id = p_workspace_id
        and (p_campaign is null or s.campaign_name = p_campaign)
        and s.day between p_from and p_to
        and s.day not in (select day from raw_email_days)
        and s.later_step_sends <> '{}'::jsonb
      union all
      select r.email_number, count(*)
      from raw_events r
      where r.event_type = 'sent' and r.email_number > 5 and r.day between p_from and p_to
      group by r.email_number
    ) l
    group by l.step
    having sum(l.sends) > 0
  ),
  -- The scope's rows of mv_daily_contacts (the campaign's, or the whole workspace's).
  contact_rows as (
    select c.day, c.previous_day, c.contacts
    from public.mv_daily_contacts c
    where p_source <> 'raw'
      and c.workspace_id = p_workspace_id and c.campaign_key = v_key
      and c.day between coalesce(v_previous_from, p_from) and p_to
  ),
  -- LLM cost per provider, model and day; with a campaign only that campaign's usage.
  cost as (
    select l.provider, l.model, l.day, sum(l.total_cost) as cost, sum(l.total_tokens_in) as tokens_in,
           sum(l.total_tokens_out) as tokens_out, sum(l.call_count) as calls
    from public.mv_llm_cost l
    where p_source <> 'raw'
      and l.workspace_id = p_workspace_id
      and (p_campaign is null or l.campaign_name = p_campaign)
      and l.day between coalesce(v_previous_from, p_from) and p_to
      and l.day not in (select day from raw_llm_days)
    group by l.provider, l.model, l.day
    union all
    select u.provider, u.model, (u.created_at at time zone 'UTC')::date, sum(u.cost_usd), sum(u.tokens_in),
           sum(u.tokens_out), count(*)
    from public.llm_usage u
    where p_source = 'raw'
      and u.workspace_id = p_workspace_id
      and (p_campaign is null or u.campaign_name = p_campaign)
      and u.created_at >= (coalesce(v_previous_from, p_from)::timestamp at time zone 'UTC')
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
      and u.created_at >= ((select min(day) from raw_llm_days)::timestamp at time zone 'UTC')
      and u.created_at <  (((select max(day) from raw_llm_days) + 1)::timestamp at time zone 'UTC')
    group by u.provider, u.model, d.day
  ),
  -- Live: the contacts active on each pending day, as of the last refresh (state) and now (raw rows).
  pending_contact_days as (
    select x.contact_email, x.day, bool_or(x.now_active) as now_active, bool_or(x.was_active) as was_active
    from (
      select r.contact_email, r.day, true as now_active, false as was_active
      from raw_events r where p_source = 'live'
      union all
      select t.contact_email, t.day, false, true
      from raw_email_days d
      join public.dashboard_contact_days t
        on t.workspace_id = p_workspace_id and t.day = d.day and t.campaign_key = v_key
      where p_source = 'live'
        and t.day between (select min(day) from raw_email_days) and (select max(day) from raw_email_days)
    ) x
    group by x.contact_email, x.day
  ),
  -- Per span, the contacts whose activity on its pending days changed. A contact active on every
  -- pending day as before cannot change any span's count: only contacts with a changed day are
  -- spread over the spans.
  pending_contacts as (
    select ds.span, ds.span_start, ds.span_end, x.contact_email,
           bool_or(x.now_active) as now_active, bool_or(x.was_active) as was_active
    from pending_contact_days x
    join day_spans ds on ds.day = x.day
    where x.contact_email in (select contact_email from pending_contact_days where now_active <> was_active)
    group by ds.span, ds.span_start, ds.span_end, x.contact_email
  ),
  -- Every figure of every span, summed in one grouping (joining one CTE per figure made the planner,
  -- blind to their sizes, nest loops within loops): email counts, LLM cost, and distinct contacts,
  -- exactly. Contacts of a span [s, e] from the view: the contacts whose previous active day lies
  -- before s, on their first active day in the span (see mv_daily_contacts); from raw rows:
  -- count(distinct). Live corrects the view's count for the contacts of pending days: one who is
  -- active now only on the span's pending days (no other active day in the span) adds one; one who
  -- was active only there before and no longer is removes one.
  span_figures as (
    select x.span, x.span_start,
           sum(x.sends) as sends, sum(x.opens) as opens, sum(x.clicks) as clicks, sum(x.replies) as replies,
           sum(x.bounces) as bounces, sum(x.opt_outs) as opt_outs,
           sum(x.step_1) as step_1, sum(x.step_2) as step_2, sum(x.step_3) as step_3, sum(x.step_4) as step_4,
           sum(x.step_5) as step_5, sum(x.contacts) as contacts,
           sum(x.cost) as cost, sum(x.tokens_in) as tokens_in, sum(x.tokens_out) as tokens_out, sum(x.calls) as calls
    from (
      select ds.span, ds.span_start, e.sends, e.opens, e.clicks, e.replies, e.bounces, e.opt_outs,
             e.step_1, e.step_2, e.step_3, e.step_4, e.step_5, null::numeric as contacts,
             null::numeric as cost, null::numeric as tokens_in, null::numeric as tokens_out, null::numeric as calls
      from daily e
      join day_spans ds on ds.day = e.day
      union all
      select ds.span, ds.span_start, null, null, null, null, null, null, null, null, null, null, null, sum(c.contacts),
             null, null, null, null
      from contact_rows c
      join day_spans ds on ds.day = c.day
      where c.previous_day < ds.span_start
      group by ds.span, ds.span_start
      union all
      -- Distinct (span, contact) pairs by hashing, compared byte for byte: count(distinct) sorted
      -- them in the database's collation, twice the work of the day's and the range's counts alone.
      select r.span, r.span_start, null, null, null, null, null, null, null, null, null, null, null,
             count(*), null, null, null, null
      from (
        select distinct ds.span, ds.span_start, r.contact_email collate "C"
        from raw_events r
        join day_spans ds on ds.day = r.day
        where p_source = 'raw'
      ) r
      group by r.span, r.span_start
      union all
      select p.span, p.span_start, null, null, null, null, null, null, null, null, null, null, null,
             sum(case when p.now_active then 1 else -1 end), null, null, null, null
      from pending_contacts p
      where p.now_active <> p.was_active
        -- A one-day span here is a pending day: it has no other day to look at.
        and (p.span_start = p.span_end or not exists (
          select 1 from public.dashboard_contact_days t
          where t.workspace_id = p_workspace_id and t.campaign_key = v_key and t.contact_email = p.contact_email
            and t.day between p.span_start and p.span_end and t.day not in (select day from raw_email_days)))
      group by p.span, p.span_start
      union all
      select ds.span, ds.span_start, null, null, null, null, null, null, null, null, null, null, null, null,
             sum(c.cost), sum(c.tokens_in), sum(c.tokens_out), sum(c.calls)
      from cost c
      join day_spans ds on ds.day = c.day
      group by ds.span, ds.span_start
    ) x
    group by x.span, x.span_start
  ),
  -- One row per bucket with its cost per provider, covering every provider with usage in the range.
  buckets as (
    select y.span_start, coalesce(jsonb_object_agg(y.provider, y.cost) filter (where y.provider is not null), '{}'::jsonb) as by_provider
    from (
      select x.span_start, x.provider, sum(x.cost) as cost
      from (
        select b.span_start, p.provider, 0::numeric as cost
        from (select distinct span_start from day_spans where span = 'bucket') b
        left join (select distinct provider from cost where day between p_from and p_to) p on true
        union all
        select ds.span_start, c.provider, c.cost
        from cost c
        join day_spans ds on ds.day = c.day and ds.span = 'bucket'
      ) x
      group by x.span_start, x.provider
    ) y
    group by y.span_start
  ),
  timeseries as (
    select b.span_start as day,
           coalesce(f.sends, 0) as sends, coalesce(f.opens, 0) as opens, coalesce(f.clicks, 0) as clicks,
           coalesce(f.replies, 0) as replies, coalesce(f.bounces, 0) as bounces, coalesce(f.opt_outs, 0) as opt_outs,
           coalesce(f.contacts, 0) as unique_contacts, coalesce(f.cost, 0) as cost, b.by_provider
    from buckets b
    left join span_figures f on f.span = 'bucket' and f.span_start = b.span_start
  ),
  summaries as (
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
    'interval', p_interval,
    'partial_day', to_char(v_partial, 'YYYY-MM-DD'),
    'data_version', v_version,
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
            from cost where day between p_from and p_to group by provider, model) b),
    -- Per view: the moment its data is current as of (UTC, ISO 8601; null if never refreshed), its
    -- age, the workspace's buckets waiting for a refresh, and how many days of this answer were read
    -- from raw rows instead (all of them for raw, the pending ones for live).
    'freshness', public.dashboard_freshness_rows(v_freshness, rb.email, rb.llm)
  )
  || case when p_compare is null then '{}'::jsonb else jsonb_build_object('comparison', (
       select jsonb_build_object(
                'current', jsonb_build_object('from', to_char(c.span_start, 'YYYY-MM-DD'), 'to', to_char(c.span_end, 'YYYY-MM-DD'), 'summary', c.summary),
                'previous', jsonb_build_object('from', to_char(p.span_start, 'YYYY-MM-DD'), 'to', to_char(p.span_end, 'YYYY-MM-DD'), 'summary', p.summary),
                'partial_day', to_char(v_partial, 'YYYY-MM-DD'))
       from summaries c join summaries p on p.span = 'previous'
       where c.span = 'current')) end
  into v_result
  from summaries r cross join raw_buckets rb
  where r.span = 'range';

  return v_result;
end
$$;
comment on function public.dashboard_aggregate(text, date, date, text, text, bigint, text, text) is
  'The whole dashboard answer for one workspace, an inclusive UTC day range and optionally one campaign: summary, zero-filled timeseries in buckets of p_interval (day; week from Monday; month from the 1st; clipped to the range, each labelled with its first day in it; unique contacts exact per bucket), sequence steps 1-5 and every later step with sends, cost breakdown, freshness, partial_day (today UTC when in the range). p_compare previous: also comparison {current, previous, partial_day}, the range''s complete days against as many days just before them (null without a complete day). p_source mv: the views as of the last refresh; raw: the raw tables; live: the views for buckets with no pending change and the raw rows of the rest. With p_known_version equal to the answer''s data version (mv, live) returns {not_modified: true}.';

-- Who may read a workspace's answers, in one place for every *_for_member wrapper: null when the
-- user may, else the refusal the wrapper returns instead of the data.
create function public.dashboard_member_refusal(p_user_id uuid, p_workspace_id text, p_source text)
returns jsonb
language plpgsql
stable
security definer            -- reads workspace_members; callers need EXECUTE only
set search_path = ''
as $$
declare
  v_role text := public.dashboard_member_role(p_user_id, p_workspace_id);
begin
  -- A workspace the caller is not a member of and one that does not exist answer the same: nothing
  -- tells an outsider which tenants exist.
  if v_role is null then
    return jsonb_build_object('error', 'not_found');
  end if;
  -- Raw scans cost seconds on large tables: admins only. Every other source is open to viewers.
  if p_source = 'raw' and v_role <> 'admin' then
    return jsonb_build_object('error', 'forbidden');
  end if;
  return null;
end
$$;
comment on function public.dashboard_member_refusal(uuid, text, text) is
  'null when the user may read the workspace from that source, else {"error":"not_found"} (not a member, or no such workspace: the same) or {"error":"forbidden"} (source raw as a viewer). Used by every *_for_member function.';

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
-- 4. dashboard_campaigns: the campaigns of a workspace side by side
-- ---------------------------------------------------------------------------------------------

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
  v_today     date := (now() at time zone 'UTC')::date;
  v_version   bigint;
  v_result    jsonb;
  v_freshness jsonb;
begin
  if p_workspace_id is null or p_from is null or p_to is null or p_from > p_to then
    raise exception 'dashboard_campaigns: workspace_id, from <= to are required' using errcode = '22023';
  end if;
  if p_source is null or p_source not in ('mv', 'raw', 'live') then
    raise exception 'dashboard_campaigns: source must be mv, raw or live' using errcode = '22023';
  end if;
  v_version := public.dashboard_answer_version(p_workspace_id, p_source, p_to);
  if p_source <> 'raw' and p_known_version is not distinct from v_version then
    return jsonb_build_object('not_modified', true, 'data_version', v_version);
  end if;
  v_freshness := public.dashboard_answer_freshness(p_workspace_id, p_source);

  with
  days as (
    select d::date as day from generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') d
  ),
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
  raw_events as (
    select e.campaign_name, e.contact_email, e.event_type, (e.event_ts at time zone 'UTC')::date as day
    from public.email_events e
    where p_source = 'raw'
      and e.workspace_id = p_workspace_id
      and (p_campaign is null or e.campaign_name = p_campaign)
      and e.event_ts >= (p_from::timestamp at time zone 'UTC')
      and e.event_ts <  ((p_to + 1)::timestamp at time zone 'UTC')
    union all
    select e.campaign_name, e.contact_email, e.event_type, d.day
    from raw_email_days d
    join public.email_events e
      on e.workspace_id = p_workspace_id
     and e.event_ts >= (d.day::timestamp at time zone 'UTC')
     and e.event_ts <  ((d.day + 1)::timestamp at time zone 'UTC')
    where p_source = 'live' and (p_campaign is null or e.campaign_name = p_campaign)
      and e.event_ts >= ((select min(day) from raw_email_days)::timestamp at time zone 'UTC')
      and e.event_ts <  (((select max(day) from raw_email_days) + 1)::timestamp at time zone 'UTC')
  ),
  -- Email counts per campaign: the view's rows of clean days, the raw rows of the others.
  email as (
    select x.campaign_name, sum(x.sends) as sends, sum(x.opens) as opens, sum(x.clicks) as clicks,
           sum(x.replies) as replies, sum(x.bounces) as bounces, sum(x.opt_outs) as opt_outs
    from (
      select s.campaign_name, sum(s.sends) as sends, sum(s.opens) as opens, sum(s.clicks) as clicks,
             sum(s.replies) as replies, sum(s.bounces) as bounces, sum(s.opt_outs) as opt_outs
      from public.mv_daily_stats s
      where p_source <> 'raw'
        and s.workspace_id = p_workspace_id
        and (p_campaign is null or s.campaign_name = p_campaign)
        and s.day between p_from and p_to
        and s.day not in (select day from raw_email_days)
      group by s.campaign_name
      union all
      select r.campaign_name,
             count(*) filter (where r.event_type = 'sent'), count(*) filter (where r.event_type = 'opened'),
             count(*) filter (where r.event_type = 'clicked'), count(*) filter (where r.event_type = 'replied'),
             count(*) filter (where r.event_type = 'bounced'), count(*) filter (where r.event_type = 'opted_out')
      from raw_events r
      group by r.campaign_name
    ) x
    group by x.campaign_name
  ),
  -- Live: per campaign, contacts active on a pending day as of the last refresh (state) and now.
  pending_contacts as (
    select x.campaign_key, x.contact_email, bool_or(x.now_active) as now_active, bool_or(x.was_active) as was_active
    from (
      select 'c' || r.campaign_name as campaign_key, r.contact_email, true as now_active, false as was_active
      from raw_events r where p_source = 'live'
      union all
      select t.campaign_key, t.contact_email, false, true
      from raw_email_days d
      join public.dashboard_contact_days t on t.workspace_id = p_workspace_id and t.day = d.day
      where p_source = 'live'
        and (case when p_campaign is null then t.campaign_key <> '' else t.campaign_key = 'c' || p_campaign end)
        and t.day between (select min(day) from raw_email_days) and (select max(day) from raw_email_days)
    ) x
    group by x.campaign_key, x.contact_email
  ),
  -- Distinct contacts per campaign over the range, exactly (as the aggregate's range total, per scope).
  contacts as (
    select x.campaign_name, sum(x.contacts) as contacts
    from (
      select substr(c.campaign_key, 2) as campaign_name, sum(c.contacts) as contacts
      from public.mv_daily_contacts c
      where p_source <> 'raw'
        and c.workspace_id = p_workspace_id
        and (case when p_campaign is null then c.campaign_key <> '' else c.campaign_key = 'c' || p_campaign end)
        and c.day between p_from and p_to
        and c.previous_day < p_from
      group by c.campaign_key
      union all
      select r.campaign_name, count(*)
      from (select distinct r.campaign_name, r.contact_email collate "C" from raw_events r where p_source = 'raw') r
      group by r.campaign_name
      union all
      select substr(p.campaign_key, 2), sum(case when p.now_active then 1 else -1 end)
      from pending_contacts p
      where p.now_active <> p.was_active
        and not exists (
          select 1 from public.dashboard_contact_days t
          where t.workspace_id = p_workspace_id and t.campaign_key = p.campaign_key and t.contact_email = p.contact_email
            and t.day between p_from and p_to and t.day not in (select day from raw_email_days))
      group by p.campaign_key
    ) x
    group by x.campaign_name
  ),
  -- LLM cost per campaign (null: usage tied to no campaign).
  cost as (
    select x.campaign_name, sum(x.cost) as cost, sum(x.calls) as calls
    from (
      select l.campaign_name, sum(l.total_cost) as cost, sum(l.call_count) as calls
      from public.mv_llm_cost l
      where p_source <> 'raw'
        and l.workspace_id = p_workspace_id
        and (p_campaign is null or l.campaign_name = p_campaign)
        and l.day between p_from and p_to
        and l.day not in (select day from raw_llm_days)
      group by l.campaign_name
      union all
      select u.campaign_name, sum(u.cost_usd), count(*)
      from public.llm_usage u
      where p_source = 'raw'
        and u.workspace_id = p_workspace_id
        and (p_campaign is null or u.campaign_name = p_campaign)
        and u.created_at >= (p_from::timestamp at time zone 'UTC')
        and u.created_at <  ((p_to + 1)::timestamp at time zone 'UTC')
      group by u.campaign_name
      union all
      select u.campaign_name, sum(u.cost_usd), count(*)
      from raw_llm_days d
      join public.llm_usage u
        on u.workspace_id = p_workspace_id
       and u.created_at >= (d.day::timestamp at time zone 'UTC')
       and u.created_at <  ((d.day + 1)::timestamp at time zone 'UTC')
      where p_source = 'live' and (p_campaign is null or u.campaign_name = p_campaign)
        and u.created_at >= ((select min(day) from raw_llm_days)::timestamp at time zone 'UTC')
        and u.created_at <  (((select max(day) from raw_llm_days) + 1)::timestamp at time zone 'UTC')
      group by u.campaign_name
    ) x
    group by x.campaign_name
  ),
  -- Every campaign with an email event or LLM usage in the range.
  campaigns as (
    select campaign_name from email
    union
    select campaign_name from cost where campaign_name is not null
  ),
  campaign_rows as (
    select k.campaign_name,
           coalesce(e.sends, 0) as sends, coalesce(e.opens, 0) as opens, coalesce(e.clicks, 0) as clicks,
           coalesce(e.replies, 0) as replies, coalesce(e.bounces, 0) as bounces, coalesce(e.opt_outs, 0) as opt_outs,
           coalesce(u.contacts, 0) as unique_contacts, coalesce(c.cost, 0) as cost, coalesce(c.calls, 0) as calls
    from campaigns k
    left join email e on e.campaign_name = k.campaign_name
    left join contacts u on u.campaign_name = k.campaign_name
    left join cost c on c.campaign_name = k.campaign_name
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
    'partial_day', to_char(case when v_today between p_from and p_to then v_today end, 'YYYY-MM-DD'),
    'data_version', v_version,
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
      select jsonb_build_object('total_cost_usd', round(coalesce(sum(c.cost), 0), 6), 'llm_calls', coalesce(sum(c.calls), 0))
      from cost c where c.campaign_name is null),
    'freshness', public.dashboard_freshness_rows(v_freshness, rb.email, rb.llm)
  )
  into v_result
  from raw_buckets rb;

  return v_result;
end
$$;
comment on function public.dashboard_campaigns(text, date, date, text, text, bigint) is
  'Every campaign of a workspace with an email event or LLM usage in an inclusive UTC day range (or only p_campaign), side by side: counts, exact unique contacts, rates, LLM cost and calls, cost per reply; sorted by sends (highest first), then name. unattributed: LLM usage tied to no campaign (zero with p_campaign). Sources and p_known_version as dashboard_aggregate.';

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
-- Privileges: only the server (service_role, or the owner).
-- ---------------------------------------------------------------------------------------------

revoke all on function public.dashboard_answer_version(text, text, date), public.dashboard_answer_freshness(text, text),
  public.dashboard_member_refusal(uuid, text, text),
  public.dashboard_email_rates(numeric, numeric, numeric, numeric, numeric, numeric),
  public.dashboard_freshness_rows(jsonb, bigint, bigint),
  public.dashboard_aggregate(text, date, date, text, text, bigint, text, text),
  public.dashboard_aggregate_for_member(uuid, text, date, date, text, text, bigint, text, text),
  public.dashboard_campaigns(text, date, date, text, text, bigint),
  public.dashboard_campaigns_for_member(uuid, text, date, date, text, text, bigint)
  from public, anon, authenticated;
grant execute on function public.dashboard_aggregate(text, date, date, text, text, bigint, text, text),
  public.dashboard_aggregate_for_member(uuid, text, date, date, text, text, bigint, text, text),
  public.dashboard_campaigns(text, date, date, text, text, bigint),
  public.dashboard_campaigns_for_member(uuid, text, date, date, text, text, bigint)
  to service_role;
