-- Materialized views that pre-aggregate the raw tables for the dashboard, the function that
-- refreshes them (atomically, one refresh at a time) and the one that reports their freshness.
--
-- "day" is always the UTC calendar day: (ts at time zone 'UTC')::date. date_trunc('day', ts) on a
-- timestamptz would follow the session's TimeZone setting and move events across days.

-- Email metrics per workspace, campaign and UTC day.
-- Two hash aggregations (per contact-day, then per day) instead of count(distinct contact_email):
-- the same exact figures without sorting every event by contact, about twice as fast to refresh.
create materialized view public.mv_daily_stats as
select
  workspace_id,
  campaign_name,
  day,
  sum(sends)::bigint         as sends,
  sum(opens)::bigint         as opens,
  sum(clicks)::bigint        as clicks,
  sum(replies)::bigint       as replies,
  sum(bounces)::bigint       as bounces,
  sum(opt_outs)::bigint      as opt_outs,
  count(*)                   as unique_contacts,
  sum(email_1_sends)::bigint as email_1_sends,
  sum(email_2_sends)::bigint as email_2_sends,
  sum(email_3_sends)::bigint as email_3_sends,
  sum(email_4_sends)::bigint as email_4_sends,
  sum(email_5_sends)::bigint as email_5_sends
from (
  select
    workspace_id,
    campaign_name,
    contact_email,
    (event_ts at time zone 'UTC')::date                              as day,
    count(*) filter (where event_type = 'sent')                      as sends,
    count(*) filter (where event_type = 'opened')                    as opens,
    count(*) filter (where event_type = 'clicked')                   as clicks,
    count(*) filter (where event_type = 'replied')                   as replies,
    count(*) filter (where event_type = 'bounced')                   as bounces,
    count(*) filter (where event_type = 'opted_out')                 as opt_outs,
    count(*) filter (where event_type = 'sent' and email_number = 1) as email_1_sends,
    count(*) filter (where event_type = 'sent' and email_number = 2) as email_2_sends,
    count(*) filter (where event_type = 'sent' and email_number = 3) as email_3_sends,
    count(*) filter (where event_type = 'sent' and email_number = 4) as email_4_sends,
    count(*) filter (where event_type = 'sent' and email_number = 5) as email_5_sends
  from public.email_events
  group by workspace_id, campaign_name, contact_email, (event_ts at time zone 'UTC')::date
) contact_day
group by workspace_id, campaign_name, day;
comment on materialized view public.mv_daily_stats is
  'Email event counts per (workspace, campaign, UTC day). unique_contacts is distinct contacts that day; do not sum it over days.';

-- Exact distinct contacts over any date range, pre-aggregated.
-- Each row counts the contacts active on "day" (any event) whose previous active day in the same
-- scope was "previous_day" ('-infinity': never active before). Scope: one campaign, or the whole
-- workspace when campaign_name is null (a contact in two campaigns counts once there).
-- Why this is exact: a contact active somewhere in [from, to] has exactly one active day d in that
-- range whose previous active day lies before "from": its first active day in the range. So
--   sum(contacts) where day between from and to and previous_day < from
-- counts every such contact exactly once, reading only rows in the range.
-- Sorting by a 64-bit hash of the contact first keeps the sort on integers; the full text key
-- follows it in the partition, so a hash collision cannot merge two contacts.
create materialized view public.mv_daily_contacts as
with contact_days as (
  select hashtextextended(contact_email, 0) as contact_hash, workspace_id, campaign_name, contact_email,
         (event_ts at time zone 'UTC')::date as day
  from public.email_events
  group by 1, 2, 3, 4, 5
),
scoped as (
  select workspace_id, campaign_name, day,
         lag(day) over (partition by contact_hash, workspace_id, campaign_name, contact_email order by day) as previous_day
  from contact_days
  union all
  select workspace_id, null, day,
         lag(day) over (partition by contact_hash, workspace_id, contact_email order by day)
  from (select contact_hash, workspace_id, contact_email, day from contact_days group by 1, 2, 3, 4) workspace_days
)
select workspace_id, campaign_name, day, coalesce(previous_day, '-infinity'::date) as previous_day, count(*) as contacts
from scoped
group by 1, 2, 3, 4;
comment on materialized view public.mv_daily_contacts is
  'Contacts active per (workspace, campaign or null for all, UTC day, previous active day): exact distinct contacts over any range.';

-- LLM cost per workspace, campaign (null: not tied to a campaign), provider, model and UTC day.
create materialized view public.mv_llm_cost as
select
  workspace_id,
  campaign_name,
  provider,
  model,
  (created_at at time zone 'UTC')::date as day,
  sum(cost_usd)                         as total_cost,
  sum(tokens_in)::bigint                as total_tokens_in,
  sum(tokens_out)::bigint               as total_tokens_out,
  count(*)                              as call_count
from public.llm_usage
group by workspace_id, campaign_name, provider, model, (created_at at time zone 'UTC')::date;
comment on materialized view public.mv_llm_cost is
  'LLM cost, tokens and calls per (workspace, campaign, provider, model, UTC day).';

-- REFRESH ... CONCURRENTLY needs a unique index on plain columns covering every row. Grouping keys
-- may hold NULL (campaign_name): on PostgreSQL 15+ the index treats NULLs as equal so
-- the key is truly unique; older servers get a plain unique index, which CONCURRENTLY accepts too.
do $$
declare
  nulls_clause text := case when current_setting('server_version_num')::int >= 150000
                            then ' nulls not distinct' else '' end;
begin
  execute 'create unique index mv_daily_stats_key on public.mv_daily_stats (workspace_id, campaign_name, day)';
  execute 'create unique index mv_daily_contacts_key on public.mv_daily_contacts (workspace_id, campaign_name, day, previous_day)' || nulls_clause;
  execute 'create unique index mv_llm_cost_key on public.mv_llm_cost (workspace_id, campaign_name, provider, model, day)' || nulls_clause;
end
$$;
comment on index public.mv_daily_stats_key is 'concurrent refresh key; also serves workspace + campaign + day range reads';
comment on index public.mv_daily_contacts_key is 'concurrent refresh key; also serves unique-contact reads by scope and day range';
comment on index public.mv_llm_cost_key is 'concurrent refresh key; also serves workspace + campaign cost reads';

-- Whole-workspace reads over a day range (no campaign filter).
create index mv_daily_stats_workspace_day_idx on public.mv_daily_stats (workspace_id, day);
comment on index public.mv_daily_stats_workspace_day_idx is 'dashboard: all campaigns of a workspace over a day range';
create index mv_llm_cost_workspace_day_idx on public.mv_llm_cost (workspace_id, day);
comment on index public.mv_llm_cost_workspace_day_idx is 'dashboard: workspace LLM cost over a day range';

-- One row per finished refresh of one view; the freshness report reads the latest per view.
create table public.dashboard_view_refreshes (
  id           bigint generated always as identity primary key,
  view_name    text        not null,
  started_at   timestamptz not null,
  finished_at  timestamptz not null,
  duration_ms  numeric(12,1) not null
);
comment on table public.dashboard_view_refreshes is 'Log of materialized view refreshes (and their creation) for freshness monitoring.';
create index dashboard_view_refreshes_view_finished_idx on public.dashboard_view_refreshes (view_name, finished_at desc);
comment on index public.dashboard_view_refreshes_view_finished_idx is 'latest refresh per view (get_view_freshness)';
alter table public.dashboard_view_refreshes enable row level security;

-- The views were filled when created: that counts as their first refresh.
insert into public.dashboard_view_refreshes (view_name, started_at, finished_at, duration_ms)
select v, clock_timestamp(), clock_timestamp(), 0
from unnest(array['mv_daily_stats', 'mv_daily_contacts', 'mv_llm_cost']) as v;

create function public.refresh_dashboard_views()
returns jsonb
language plpgsql
security definer            -- REFRESH needs the views' owner; callers only need EXECUTE
set search_path = ''
set statement_timeout = '15min'  -- PostgREST (and our Postgres store) hoist this over the role's API timeout
set lock_timeout = '1min'
set work_mem = '256MB'           -- the distinct/sort steps of the views fit in memory
as $$
declare
  view_name   text;
  started_at  timestamptz := clock_timestamp();
  view_start  timestamptz;
  view_end    timestamptz;
  refreshed   jsonb := '[]'::jsonb;
begin
  -- One refresh at a time: a second caller returns at once instead of queueing behind the first.
  -- The lock is transaction-scoped, so it is released on commit, on error and on disconnect.
  if not pg_catalog.pg_try_advisory_xact_lock(7262025120700002) then
    return jsonb_build_object('status', 'skipped', 'reason', 'another refresh is already running');
  end if;

  foreach view_name in array array['mv_daily_stats', 'mv_daily_contacts', 'mv_llm_cost'] loop
    view_start := clock_timestamp();
    -- CONCURRENTLY: readers keep seeing the previous contents until this transaction commits.
    execute format('refresh materialized view concurrently public.%I', view_name);
    view_end := clock_timestamp();
    insert into public.dashboard_view_refreshes (view_name, started_at, finished_at, duration_ms)
    values (view_name, view_start, view_end, round(extract(epoch from view_end - view_start)::numeric * 1000, 1));
    refreshed := refreshed || jsonb_build_object(
      'view_name', view_name,
      'duration_ms', round(extract(epoch from view_end - view_start)::numeric * 1000, 1));
  end loop;

  return jsonb_build_object(
    'status', 'refreshed',
    'started_at', started_at,
    'finished_at', clock_timestamp(),
    'duration_ms', round(extract(epoch from clock_timestamp() - started_at)::numeric * 1000, 1),
    'views', refreshed);
end
$$;
comment on function public.refresh_dashboard_views() is
  'Refreshes every dashboard materialized view CONCURRENTLY in one transaction (all or nothing) and logs each; returns {status: refreshed|skipped, views: [{view_name, duration_ms}]}. A call while another runs is skipped, not queued.';

create function public.get_view_freshness()
returns table (view_name text, last_refreshed timestamptz, age_seconds integer)
language sql
stable
security definer            -- reads the refresh log, which the API roles cannot
set search_path = ''
as $$
  select v.view_name,
         r.last_refreshed,
         greatest(0, floor(extract(epoch from statement_timestamp() - r.last_refreshed)))::integer
  from unnest(array['mv_daily_stats', 'mv_daily_contacts', 'mv_llm_cost']) with ordinality as v(view_name, position)
  left join lateral (
    select max(l.finished_at) as last_refreshed
    from public.dashboard_view_refreshes l
    where l.view_name = v.view_name
  ) r on true
  order by v.position
$$;
comment on function public.get_view_freshness() is
  'One row per dashboard materialized view: when it was last refreshed (or created) and how many seconds ago.';

-- Only the server (service_role, or the owner) reaches the views, the log and the functions;
-- Supabase's default privileges would otherwise hand them to anon and authenticated.
revoke all on table public.mv_daily_stats, public.mv_daily_contacts, public.mv_llm_cost,
  public.dashboard_view_refreshes from public, anon, authenticated;
grant select on table public.mv_daily_stats, public.mv_daily_contacts, public.mv_llm_cost,
  public.dashboard_view_refreshes to service_role;
revoke all on function public.refresh_dashboard_views(), public.get_view_freshness() from public, anon, authenticated;
grant execute on function public.refresh_dashboard_views(), public.get_view_freshness() to service_role;
