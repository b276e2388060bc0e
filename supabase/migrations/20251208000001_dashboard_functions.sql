-- The dashboard's reads: one SQL function answers a whole dashboard request (one round trip), from
-- the materialized views (source 'mv') or, as the spec's rollback and the benchmark baseline, from
-- the raw tables (source 'raw'). Both paths share the assembly, so they answer the same JSON.

-- A number that changes whenever any dashboard view is refreshed: the basis of the API's ETag.
create function public.dashboard_data_version()
returns bigint
language sql
stable
security definer            -- reads the refresh log, which the API roles cannot
set search_path = ''
as $$
  select coalesce(max(id), 0) from public.dashboard_view_refreshes
$$;
comment on function public.dashboard_data_version() is
  'Id of the latest view refresh: changes exactly when the materialized views may have changed (ETag basis).';

create function public.dashboard_aggregate(
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
as $$
declare
  v_version bigint := public.dashboard_data_version();
  v_result  jsonb;
begin
  if p_workspace_id is null or p_from is null or p_to is null or p_from > p_to then
    raise exception 'dashboard_aggregate: workspace_id, from <= to are required' using errcode = '22023';
  end if;
  if p_source not in ('mv', 'raw') then
    raise exception 'dashboard_aggregate: source must be mv or raw' using errcode = '22023';
  end if;
  -- The caller already holds the answer for this data version: say so and skip the work.
  if p_source = 'mv' and p_known_version is not distinct from v_version then
    return jsonb_build_object('not_modified', true, 'data_version', v_version);
  end if;

  with
  days as (
    select d::date as day from generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') d
  ),
  -- Raw events of the range: index-friendly bounds on event_ts, UTC days.
  raw_events as (
    select e.contact_email, e.event_type, e.email_number, (e.event_ts at time zone 'UTC')::date as day
    from public.email_events e
    where p_source = 'raw'
      and e.workspace_id = p_workspace_id
      and (p_campaign is null or e.campaign_name = p_campaign)
      and e.event_ts >= (p_from::timestamp at time zone 'UTC')
      and e.event_ts <  ((p_to + 1)::timestamp at time zone 'UTC')
  ),
  -- Email counts per day.
  daily as (
    select s.day, sum(s.sends) as sends, sum(s.opens) as opens, sum(s.clicks) as clicks, sum(s.replies) as replies,
           sum(s.bounces) as bounces, sum(s.opt_outs) as opt_outs,
           sum(s.email_1_sends) as step_1, sum(s.email_2_sends) as step_2, sum(s.email_3_sends) as step_3,
           sum(s.email_4_sends) as step_4, sum(s.email_5_sends) as step_5
    from public.mv_daily_stats s
    where p_source = 'mv'
      and s.workspace_id = p_workspace_id
      and (p_campaign is null or s.campaign_name = p_campaign)
      and s.day between p_from and p_to
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
  -- The contact rows of the scope: the campaign's, or the whole workspace's (campaign_name null).
  -- Two branches rather than "is not distinct from", which no index can serve.
  contact_rows as (
    select c.day, c.previous_day, c.contacts
    from public.mv_daily_contacts c
    where p_source = 'mv' and p_campaign is null
      and c.workspace_id = p_workspace_id and c.campaign_name is null and c.day between p_from and p_to
    union all
    select c.day, c.previous_day, c.contacts
    from public.mv_daily_contacts c
    where p_source = 'mv' and p_campaign is not null
      and c.workspace_id = p_workspace_id and c.campaign_name = p_campaign and c.day between p_from and p_to
  ),
  -- Distinct contacts per day (in the campaign, or anywhere in the workspace).
  daily_contacts as (
    select c.day, sum(c.contacts) as contacts
    from contact_rows c
    group by c.day
    union all
    select r.day, count(distinct r.contact_email)
    from raw_events r
    group by r.day
  ),
  -- Distinct contacts over the whole range, exactly (see mv_daily_contacts for why this is exact).
  range_contacts as (
    select coalesce(sum(c.contacts), 0) as contacts
    from contact_rows c
    where p_source = 'mv' and c.previous_day < p_from
    union all
    select count(distinct r.contact_email) from raw_events r where p_source = 'raw'
  ),
  -- LLM cost per provider, model and day; with a campaign only that campaign's usage.
  cost as (
    select l.provider, l.model, l.day, sum(l.total_cost) as cost, sum(l.total_tokens_in) as tokens_in,
           sum(l.total_tokens_out) as tokens_out, sum(l.call_count) as calls
    from public.mv_llm_cost l
    where p_source = 'mv'
      and l.workspace_id = p_workspace_id
      and (p_campaign is null or l.campaign_name = p_campaign)
      and l.day between p_from and p_to
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
    'freshness', (
      select coalesce(jsonb_agg(jsonb_build_object(
               'view_name', f.view_name,
               -- ISO 8601 in UTC whatever the session's TimeZone, like every other time in the answer.
               'last_refreshed', to_char(f.last_refreshed at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
               'age_seconds', f.age_seconds)), '[]'::jsonb)
      from public.get_view_freshness() f)
  )
  into v_result
  from totals t cross join cost_totals ct;

  return v_result;
end
$$;
comment on function public.dashboard_aggregate(text, date, date, text, text, bigint) is
  'The whole dashboard answer (summary, zero-filled UTC timeseries, sequence steps 1-5, cost breakdown, freshness) for one workspace, an inclusive day range and optionally one campaign; p_source mv reads the materialized views, raw the raw tables. With p_known_version equal to the current data version (mv only) returns {not_modified: true}.';

-- What the dashboard's filters offer: workspaces, their campaigns, and the days with data.
create function public.dashboard_workspaces()
returns jsonb
language sql
stable
security definer
set search_path = ''
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
  select jsonb_build_object('workspaces', coalesce(jsonb_agg(w order by w.workspace_id collate "C"), '[]'::jsonb))
  from (
    select c.workspace_id,
           to_char(min(c.first_day), 'YYYY-MM-DD') as first_day,
           to_char(max(c.last_day), 'YYYY-MM-DD') as last_day,
           coalesce(jsonb_agg(jsonb_build_object(
                      'campaign_name', c.campaign_name,
                      'first_day', to_char(c.first_day, 'YYYY-MM-DD'),
                      'last_day', to_char(c.last_day, 'YYYY-MM-DD')) order by c.campaign_name collate "C")
                    filter (where c.campaign_name is not null), '[]'::jsonb) as campaigns
    from campaigns c
    group by c.workspace_id
  ) w
$$;
comment on function public.dashboard_workspaces() is
  'Workspaces with their campaigns and first/last UTC day of data, from the materialized views (for the dashboard filters).';

revoke all on function public.dashboard_data_version(), public.dashboard_aggregate(text, date, date, text, text, bigint),
  public.dashboard_workspaces() from public, anon, authenticated;
grant execute on function public.dashboard_data_version(), public.dashboard_aggregate(text, date, date, text, text, bigint),
  public.dashboard_workspaces() to service_role;
