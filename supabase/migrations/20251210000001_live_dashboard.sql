-- The dashboard's reads on the maintained views, and a third source, 'live': exact to the last
-- committed event at the views' speed. Sources:
--   mv   the views, as of the last refresh
--   raw  the raw tables (the rollback path and the benchmark baseline)
--   live the views for every (workspace, day) bucket with no pending change, and the raw rows of
--        the buckets the change log names: TimescaleDB's real-time aggregation, per bucket rather
--        than behind one watermark, so a late event months back is live too.
-- One statement reads the change log, the views and the raw rows, so all of it is one snapshot:
-- a refresh committing meanwhile (it consumes the log and updates the views atomically) cannot make
-- a live answer count a bucket twice or not at all.

-- A number that changes whenever the answer of a source may change: the ETag basis. For mv, the
-- latest refresh. For live, also the workspace's pending changes: every committed write adds a
-- change-log row (count grows), and only a refresh removes them (the refresh id moves).
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
comment on function public.dashboard_data_version(text, text) is
  'ETag basis: changes whenever an answer of that source for that workspace may have changed (mv: a refresh; live: a refresh or a committed write to the workspace).';

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
        and t.day between (select min(day) from raw_email_days) and (select max(day) from raw_email_days)
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
      and u.created_at >= ((select min(day) from raw_llm_days)::timestamp at time zone 'UTC')
      and u.created_at <  (((select max(day) from raw_llm_days) + 1)::timestamp at time zone 'UTC')
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
comment on function public.dashboard_aggregate(text, date, date, text, text, bigint) is
  'The whole dashboard answer (summary, zero-filled UTC timeseries, sequence steps 1-5, cost breakdown, freshness) for one workspace, an inclusive day range and optionally one campaign. p_source mv: the views as of the last refresh; raw: the raw tables; live: the views for buckets with no pending change and the raw rows of the rest (exact as of the statement). With p_known_version equal to the current data version (mv, live) returns {not_modified: true}.';

-- The form without arguments stays for callers of the first version (source mv).
create or replace function public.dashboard_data_version()
returns bigint
language sql
stable
security definer
set search_path = ''
as $$
  select public.dashboard_data_version(null, 'mv')
$$;
comment on function public.dashboard_data_version() is
  'Id of the latest view refresh: changes exactly when the views may have changed (ETag basis of source mv).';

revoke all on function public.dashboard_data_version(text, text) from public, anon, authenticated;
grant execute on function public.dashboard_data_version(text, text) to service_role;
