-- Answers planned for the values they are asked with.
--
-- 1. The views' answers are planned for each call. PL/pgSQL keeps a generic plan after five calls of a
--    function on one connection (the app's pool reuses its connections): for a year's answer that plan
--    joined the spans to mv_daily_contacts worse than the plan for the call's own range. At 10M events,
--    365 days of one workspace on one connection: 103-118 ms from the sixth call on against 78-88 ms
--    planned each call; 30 days: the same either way (12-14 ms). The live functions already are.
alter function public.dashboard_figures_mv(text, date, date, text, text, date, date) set plan_cache_mode = force_custom_plan;
alter function public.dashboard_campaign_figures_mv(text, date, date, text) set plan_cache_mode = force_custom_plan;

-- 2. Live answers read a recomputed day's raw rows by the day's range of the (workspace_id, event_ts)
--    index, and nothing when no day is recomputed. Joined to the list of recomputed days (an array,
--    estimated at one element whatever it holds), the raw rows were planned the other way round at
--    10M events: a parallel scan of the workspace's every row (3.1M) with the list as the inner side
--    of a nested loop, even when the list was empty. 1,410 of a 2,370 ms live answer with 10,000 events
--    pending and no update or delete pending, against 22 ms from the views (and 850 ms with nothing
--    pending at all). At 1M events the planner happened to pick the index. In a lateral subquery it
--    cannot pull up, each recomputed day is one index range, and an empty list reads nothing. The
--    bodies are otherwise those of 20260101000001.

create or replace function public.dashboard_figures_live(
  p_workspace_id text, p_from date, p_to date, p_campaign text, p_interval text, p_previous_from date, p_current_to date,
  p_time_zone text,
  out days public.dashboard_day_figure[], out costs public.dashboard_cost_figure[],
  out contacts public.dashboard_contacts_figure[], out steps public.dashboard_step_figure[],
  out raw_email_days integer, out raw_llm_days integer)
language plpgsql
stable
security definer            -- reads the views, the change logs and the raw tables
set search_path = ''
-- Planned for each call's values: the generic plan PL/pgSQL settles on after five calls reads
-- the pending rows and the state the slow way (130 ms against 32 ms at 1M events, 10,000 pending).
set plan_cache_mode = force_custom_plan
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
    -- each run read by its primary-key range (see the note above dashboard_figures_live)
    cross join lateral (
      select e.* from public.email_events e
      where e.workspace_id = p_workspace_id and e.id between a.first_id and a.last_id and (a.ids is null or e.id = any(a.ids))
      offset 0) e
    where a.workspace_id = p_workspace_id and a.source_table = 'email_events'
      and (p_campaign is null or e.campaign_name = p_campaign)
      and e.event_ts >= v_starts and e.event_ts < v_ends
      and (e.event_ts at time zone p_time_zone)::date <> all(v_email_days)
    union all
    -- every row of the days with pending updates or deletes
    select e.contact_email, e.event_type, e.email_number, d.day
    from unnest(v_email_days, v_email_starts, v_email_ends) as d(day, starts, ends)
    -- each day one range of the (workspace_id, event_ts) index (see the note above)
    cross join lateral (
      select e.* from public.email_events e
      where e.workspace_id = p_workspace_id and e.event_ts >= d.starts and e.event_ts < d.ends
      offset 0) e
    where p_campaign is null or e.campaign_name = p_campaign
  ), now_days as (
    select distinct r.contact_email, r.day from pending r
  ), state_days as (
    -- The other pending days whose recorded contact-days are read in one index range rather than
    -- looked up contact by contact: those holding fewer than ten times as many contact-days as are
    -- pending on them (a lookup costs about as much as ten rows of a range). mv_daily_contacts says
    -- how many the state holds on a day.
    select n.day
    from (select day, count(*) as pending from now_days where day <> all(v_email_days) group by day) n
    where coalesce((select sum(c.contacts) from public.mv_daily_contacts c
                    where c.workspace_id = p_workspace_id and c.campaign_key = v_key and c.day = n.day), 0) < 10 * n.pending
  ), state_rows as materialized (
    -- One range of the (workspace_id, day, campaign_key) index per day. Materialized, and in a
    -- subquery the planner cannot pull up: joined directly, it turned the range back into a lookup per
    -- pending contact, or read the whole scope from the primary key.
    select t.contact_email, t.day
    from state_days d
    cross join lateral (
      select t.contact_email, t.day from public.dashboard_contact_days t
      where t.workspace_id = p_workspace_id and t.day = d.day and t.campaign_key = v_key
      offset 0) t
  ), was_days as (
    -- what the per-contact state recorded for those contact-days and for the days read whole
    select t.contact_email, t.day
    from unnest(v_email_days) d(day)
    join public.dashboard_contact_days t on t.workspace_id = p_workspace_id and t.campaign_key = v_key and t.day = d.day
    union
    select t.contact_email, t.day
    from state_rows t
    where (t.contact_email, t.day) in (select n.contact_email, n.day from now_days n)
    union
    select t.contact_email, t.day
    from now_days n
    join public.dashboard_contact_days t
      on t.workspace_id = p_workspace_id and t.campaign_key = v_key and t.contact_email = n.contact_email and t.day = n.day
    where n.day <> all(v_email_days) and n.day not in (select d.day from state_days d)
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
    -- each run read by its primary-key range (see the note above dashboard_figures_live)
    cross join lateral (
      select u.* from public.llm_usage u
      where u.workspace_id = p_workspace_id and u.id between a.first_id and a.last_id and (a.ids is null or u.id = any(a.ids))
      offset 0) u
    where a.workspace_id = p_workspace_id and a.source_table = 'llm_usage'
      and (p_campaign is null or u.campaign_name = p_campaign)
      and u.created_at >= v_starts and u.created_at < v_ends
      and (u.created_at at time zone p_time_zone)::date <> all(v_llm_days)
    group by 1, 2, 3
    union all
    select d.day, u.provider, u.model, sum(u.cost_usd), sum(u.tokens_in)::bigint, sum(u.tokens_out)::bigint, count(*)
    from unnest(v_llm_days, v_llm_starts, v_llm_ends) as d(day, starts, ends)
    -- each day one range of the (workspace_id, created_at) index (see the note above)
    cross join lateral (
      select u.* from public.llm_usage u
      where u.workspace_id = p_workspace_id and u.created_at >= d.starts and u.created_at < d.ends
      offset 0) u
    where p_campaign is null or u.campaign_name = p_campaign
    group by 1, 2, 3
  ) l;
end
$$;
comment on function public.dashboard_figures_live(text, date, date, text, text, date, date, text) is
  'The figures of a dashboard answer exact to the last committed write: the views, plus the workspace''s pending appended rows (read by id), plus the raw rows of its days with pending updates or deletes; unique contacts corrected for the contacts whose activity on those days changed.';


create or replace function public.dashboard_campaign_figures_live(
  p_workspace_id text, p_from date, p_to date, p_campaign text, p_time_zone text,
  out campaigns public.dashboard_campaign_figure[], out raw_email_days integer, out raw_llm_days integer)
language plpgsql
stable
security definer
set search_path = ''
-- Planned for each call's values: the generic plan PL/pgSQL settles on after five calls reads
-- the pending rows and the state the slow way (130 ms against 32 ms at 1M events, 10,000 pending).
set plan_cache_mode = force_custom_plan
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
    -- each run read by its primary-key range (see the note above dashboard_figures_live)
    cross join lateral (
      select e.* from public.email_events e
      where e.workspace_id = p_workspace_id and e.id between a.first_id and a.last_id and (a.ids is null or e.id = any(a.ids))
      offset 0) e
    where a.workspace_id = p_workspace_id and a.source_table = 'email_events'
      and (p_campaign is null or e.campaign_name = p_campaign)
      and e.event_ts >= v_starts and e.event_ts < v_ends
      and (e.event_ts at time zone p_time_zone)::date <> all(v_email_days)
    union all
    select e.campaign_name, e.contact_email, e.event_type, d.day
    from unnest(v_email_days, v_email_starts, v_email_ends) as d(day, starts, ends)
    -- each day one range of the (workspace_id, event_ts) index (see the note above)
    cross join lateral (
      select e.* from public.email_events e
      where e.workspace_id = p_workspace_id and e.event_ts >= d.starts and e.event_ts < d.ends
      offset 0) e
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
    -- each run read by its primary-key range (see the note above dashboard_figures_live)
    cross join lateral (
      select u.* from public.llm_usage u
      where u.workspace_id = p_workspace_id and u.id between a.first_id and a.last_id and (a.ids is null or u.id = any(a.ids))
      offset 0) u
    where a.workspace_id = p_workspace_id and a.source_table = 'llm_usage'
      and (p_campaign is null or u.campaign_name = p_campaign)
      and u.created_at >= v_starts and u.created_at < v_ends
      and (u.created_at at time zone p_time_zone)::date <> all(v_llm_days)
    group by u.campaign_name
    union all
    select u.campaign_name, null, null, null, null, null, null, null, sum(u.cost_usd), count(*)
    from unnest(v_llm_days, v_llm_starts, v_llm_ends) as d(day, starts, ends)
    -- each day one range of the (workspace_id, created_at) index (see the note above)
    cross join lateral (
      select u.* from public.llm_usage u
      where u.workspace_id = p_workspace_id and u.created_at >= d.starts and u.created_at < d.ends
      offset 0) u
    where p_campaign is null or u.campaign_name = p_campaign
    group by u.campaign_name
  ) c;
end
$$;
comment on function public.dashboard_campaign_figures_live(text, date, date, text, text) is
  'Per campaign figures over a range exact to the last committed write (views, pending appended rows, raw rows of days with pending updates or deletes).';

