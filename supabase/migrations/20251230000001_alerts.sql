-- Issue 20: alerts. Rules per workspace (LLM spend over a budget, deliverability rates over or under
-- a threshold) and the operators' stale_views rule, evaluated right after each refresh from the
-- maintained tables; notifications written to an outbox in the same transaction as the state change
-- and delivered by the app after the commit, with retries.
--
--   alert_channels  where notifications go: a Standard Webhooks endpoint (signed with its whsec_
--                   secret) or a Slack incoming webhook; disabled after a 410 or 5 failures in a row
--   alert_rules     what to watch, and its state: ok | pending | firing, with the counters of
--                   consecutive breaching / fine evaluations and the history (last fired, resolved)
--   alert_outbox    one row per notification: pending until a delivery succeeds; retried with
--                   backoff; its message_id is the webhook-id of every attempt
--
-- The operators' rules (stale_views: about the whole database, not a workspace) live under the
-- reserved workspace key '' (empty): no workspace can have it (workspace_members and
-- workspace_settings refuse it, the API's workspace_id is 1-200 characters), so no member ever
-- reaches them over HTTP, and every key still leads with workspace_id (Citus: one shard holds them).
--
-- Windows are local days of the views (the workspace's zone, as mv_daily_stats and mv_llm_cost
-- hold them): a rate rule's window of N days (24h: N = 1, 7d: N = 7) is the local days from
-- today - N to today, so it always covers the last N x 24 hours (and at most 24 hours more), read
-- exactly from N + 1 rows per campaign. A budget's period is today (day) or the local month so far.

-- ---------------------------------------------------------------------------------------------
-- 1. Tables
-- ---------------------------------------------------------------------------------------------

create table public.alert_channels (
  workspace_id         text        not null,
  id                   uuid        not null default gen_random_uuid(),
  kind                 text        not null check (kind in ('webhook', 'slack')),
  name                 text        not null default '' check (length(name) <= 200),
  url                  text        not null check (url ~ '^https?://' and length(url) <= 2000),
  secret               text        check ((kind = 'webhook') = (secret is not null)),
  consecutive_failures integer     not null default 0,
  disabled_at          timestamptz,
  disabled_reason      text,
  created_at           timestamptz not null default now(),
  primary key (workspace_id, id)
);
comment on table public.alert_channels is
  'Where a workspace''s alerts are sent (workspace_id '''' holds the operators''): a Standard Webhooks endpoint (signed with secret, whsec_...) or a Slack incoming webhook. url and secret are secrets: only the server reads them. Disabled (disabled_at) after a 410 or 5 failed deliveries in a row.';
comment on column public.alert_channels.consecutive_failures is 'Failed deliveries in a row (a success resets it; a 429 does not count); at 5 the channel is disabled.';

create table public.alert_rules (
  workspace_id          text        not null,
  id                    uuid        not null default gen_random_uuid(),
  metric                text        not null check (metric in ('llm_cost', 'bounce_rate', 'opt_out_rate', 'reply_rate', 'stale_views')),
  direction             text        not null check (direction in ('above', 'below')),
  threshold             numeric     not null check (threshold >= 0),
  window_days           integer     check (window_days in (1, 7)),
  period                text        check (period in ('day', 'month')),
  min_sends             integer     not null default 100 check (min_sends >= 0),
  campaign_name         text        check (length(campaign_name) between 1 and 200),
  provider              text        check (length(provider) between 1 and 200),
  for_evaluations       integer     not null default 1 check (for_evaluations between 1 and 1000),
  resolve_after         integer     not null default 1 check (resolve_after between 1 and 1000),
  repeat_every_seconds  integer     check (repeat_every_seconds >= 60),
  channel_id            uuid        not null,
  state                 text        not null default 'ok' check (state in ('ok', 'pending', 'firing')),
  breaches              integer     not null default 0,
  clears                integer     not null default 0,
  since                 timestamptz,
  period_start          date,
  last_value            numeric,
  last_sends            bigint,
  last_evaluated_at     timestamptz,
  last_fired_at         timestamptz,
  last_resolved_at      timestamptz,
  last_notified_at      timestamptz,
  created_at            timestamptz not null default now(),
  primary key (workspace_id, id),
  foreign key (workspace_id, channel_id) references public.alert_channels (workspace_id, id),
  -- Searched CASE only: Citus deparses a simple CASE (case metric when ...) wrongly on the shards.
  constraint alert_rules_shape check (case
    when metric = 'llm_cost' then direction = 'above' and period is not null and window_days is null and workspace_id <> ''
    when metric = 'stale_views' then direction = 'above' and workspace_id = '' and period is null and window_days is null
                                     and campaign_name is null and provider is null
    else window_days is not null and period is null and provider is null and workspace_id <> '' end)
);
comment on table public.alert_rules is
  'What to watch and its state. llm_cost: USD of the local day or month so far (optionally one campaign or provider) above threshold; bounce_rate, opt_out_rate, reply_rate: a fraction of sends over the window (local days today - window_days .. today) above or below threshold, quiet under min_sends; stale_views (operators, workspace_id ''''): the oldest view''s age in seconds. Fires after for_evaluations breaching evaluations in a row, resolves after resolve_after fine ones; budgets re-arm at each new period.';
comment on column public.alert_rules.since is 'When the current episode''s first breaching evaluation happened (null while ok).';
comment on column public.alert_rules.period_start is 'llm_cost: the first local day of the period the state belongs to; a new period re-arms the rule.';
comment on column public.alert_rules.last_notified_at is 'The last firing notification (or reminder, with repeat_every_seconds).';

create table public.alert_outbox (
  workspace_id     text        not null,
  id               bigint      generated always as identity,
  message_id       text        not null,
  rule_id          uuid,
  channel_id       uuid        not null,
  event_type       text        not null check (event_type in ('alert.firing', 'alert.resolved', 'alert.test')),
  payload          jsonb       not null,
  status           text        not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  attempts         integer     not null default 0,
  next_attempt_at  timestamptz not null default now(),
  claimed_until    timestamptz,
  last_attempt_at  timestamptz,
  last_http_status integer,
  last_error       text,
  sent_at          timestamptz,
  created_at       timestamptz not null default now(),
  primary key (workspace_id, id),
  foreign key (workspace_id, channel_id) references public.alert_channels (workspace_id, id) on delete cascade
);
comment on table public.alert_outbox is
  'One row per notification, written in the transaction that changed the rule''s state; delivered by the app after the commit. pending (retrying when attempts > 0) until sent, or failed (gave up, or the channel was disabled). message_id is the webhook-id of every attempt.';
create index alert_outbox_due_idx on public.alert_outbox (next_attempt_at) where status = 'pending';
comment on index public.alert_outbox_due_idx is 'the deliverer: pending notifications due now';
create index alert_outbox_rule_idx on public.alert_outbox (workspace_id, rule_id, id desc);
comment on index public.alert_outbox_rule_idx is 'a rule''s latest deliveries (its history on the page)';

-- ---------------------------------------------------------------------------------------------
-- 2. Evaluation
-- ---------------------------------------------------------------------------------------------

-- One rule's figure now: a few index reads of one workspace's rows in the views (or the refresh log
-- for stale_views). breaching: whether it crosses the threshold (never under min_sends; a view never
-- refreshed is stale).
create function public.alert_rule_value(p_rule public.alert_rules, p_now timestamptz)
returns table (value numeric, sends bigint, breaching boolean, window_from date, window_to date, period_start date, time_zone text)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_zone  text;
  v_today date;
  v_from  date;
  v_value numeric;
  v_sends bigint;
  v_count bigint;
  v_never boolean;
begin
  if p_rule.metric = 'stale_views' then
    select max(extract(epoch from p_now - r.current_as_of)), bool_or(r.current_as_of is null) into v_value, v_never
    from public.dashboard_views v
    left join lateral (select l.current_as_of from public.dashboard_view_refreshes l where l.view_name = v.view_name
                       order by l.finished_at desc limit 1) r on true;
    v_value := floor(greatest(v_value, 0));
    return query select v_value, null::bigint, coalesce(v_never, true) or v_value > p_rule.threshold, null::date, null::date, null::date, 'UTC'::text;
    return;
  end if;
  -- The zone the views' days are cut in, as dashboard_answer_zone(workspace, 'mv') says; read here
  -- by two statements because Citus cannot plan that SQL function's parameters.
  select s.time_zone into v_zone from public.dashboard_workspace_state s where s.workspace_id = p_rule.workspace_id;
  if v_zone is null then
    select st.time_zone into v_zone from public.workspace_settings st where st.workspace_id = p_rule.workspace_id;
  end if;
  v_zone := coalesce(v_zone, 'UTC');
  v_today := (p_now at time zone v_zone)::date;
  if p_rule.metric = 'llm_cost' then
    v_from := case when p_rule.period = 'day' then v_today else date_trunc('month', v_today)::date end;
    select coalesce(sum(m.total_cost), 0) into v_value
    from public.mv_llm_cost m
    where m.workspace_id = p_rule.workspace_id and m.day between v_from and v_today
      and (p_rule.campaign_name is null or m.campaign_key = 'c' || p_rule.campaign_name)
      and (p_rule.provider is null or m.provider = p_rule.provider);
    v_value := round(v_value, 6);
    return query select v_value, null::bigint, v_value > p_rule.threshold, v_from, v_today, v_from, v_zone;
    return;
  end if;
  v_from := v_today - p_rule.window_days;
  select coalesce(sum(s.sends), 0),
         coalesce(sum(case when p_rule.metric = 'bounce_rate' then s.bounces when p_rule.metric = 'opt_out_rate' then s.opt_outs else s.replies end), 0)
    into v_sends, v_count
  from public.mv_daily_stats s
  where s.workspace_id = p_rule.workspace_id and s.day between v_from and v_today
    and (p_rule.campaign_name is null or s.campaign_name = p_rule.campaign_name);
  v_value := case when v_sends > 0 then round(v_count::numeric / v_sends, 6) end;
  return query select v_value, v_sends,
    coalesce(v_sends > 0 and v_sends >= p_rule.min_sends
             and case when p_rule.direction = 'above' then v_value > p_rule.threshold else v_value < p_rule.threshold end, false),
    v_from, v_today, null::date, v_zone;
end
$$;
comment on function public.alert_rule_value(public.alert_rules, timestamptz) is
  'A rule''s figure at p_now from the maintained views (llm_cost: USD of the period; rates: a fraction of the window''s sends; stale_views: the oldest view''s age in seconds), whether it breaches, and the local days it covers.';

-- Instants in notifications and answers: UTC ISO 8601 whatever the session's TimeZone.
create function public.alert_instant(p_at timestamptz)
returns text
language sql
immutable
set search_path = ''
as $$
  select to_char(p_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;
comment on function public.alert_instant(timestamptz) is 'An instant as UTC ISO 8601 text (2025-03-10T13:00:00.000Z), the form of every time in alert payloads and answers.';

-- What a notification says. dashboard_path is the dashboard filtered to the rule's workspace,
-- campaign and days; the app makes it absolute with its SITE_URL.
create function public.alert_payload(p_rule public.alert_rules, p_type text, p_value numeric, p_sends bigint,
  p_since timestamptz, p_at timestamptz, p_window_from date, p_window_to date, p_time_zone text, p_extra jsonb)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'type', p_type,
    'rule_id', p_rule.id,
    'workspace_id', nullif(p_rule.workspace_id, ''),
    'metric', p_rule.metric,
    'direction', p_rule.direction,
    'value', p_value,
    'threshold', p_rule.threshold,
    'since', public.alert_instant(p_since),
    'at', public.alert_instant(p_at),
    'campaign', p_rule.campaign_name,
    'provider', p_rule.provider,
    'window', case when p_rule.window_days = 1 then '24h' when p_rule.window_days = 7 then '7d' end,
    'period', p_rule.period,
    'from', to_char(p_window_from, 'YYYY-MM-DD'),
    'to', to_char(p_window_to, 'YYYY-MM-DD'),
    'sends', p_sends,
    'time_zone', p_time_zone,
    'dashboard_path', case when p_rule.workspace_id = '' then '/' else '/?' || concat_ws('&',
      'workspace_id=' || pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(p_rule.workspace_id, '%', '%25'), '&', '%26'), ' ', '%20'),
      'from=' || to_char(p_window_from, 'YYYY-MM-DD'), 'to=' || to_char(p_window_to, 'YYYY-MM-DD'),
      'campaign=' || pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(p_rule.campaign_name, '%', '%25'), '&', '%26'), ' ', '%20')) end
  ) || coalesce(p_extra, '{}'::jsonb)
$$;
comment on function public.alert_payload(public.alert_rules, text, numeric, bigint, timestamptz, timestamptz, date, date, text, jsonb) is
  'The JSON of one notification (the webhook body before the app adds dashboard_url): type, rule_id, workspace_id, metric, value, threshold, since, and the campaign, window and days it is about.';

-- A notification for the rule's channel, in the caller's transaction. A disabled channel gets a row
-- too (failed at once), so the history says what was not sent and why.
create function public.alert_enqueue(p_rule public.alert_rules, p_type text, p_payload jsonb)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_disabled boolean;
begin
  select c.disabled_at is not null into v_disabled from public.alert_channels c
  where c.workspace_id = p_rule.workspace_id and c.id = p_rule.channel_id;
  insert into public.alert_outbox (workspace_id, message_id, rule_id, channel_id, event_type, payload, status, last_error)
  values (p_rule.workspace_id, 'msg_' || pg_catalog.replace(gen_random_uuid()::text, '-', ''), p_rule.id, p_rule.channel_id, p_type,
          p_payload, case when v_disabled then 'failed' else 'pending' end,
          case when v_disabled then 'the channel is disabled' end);
end
$$;
comment on function public.alert_enqueue(public.alert_rules, text, jsonb) is
  'Writes one notification of a rule to the outbox (in the caller''s transaction): pending, or failed at once when its channel is disabled.';

-- Every rule (p_scope 'all') or the operators' only (p_scope 'operators': after a refresh that
-- failed or was skipped, when the workspaces' figures did not move), one evaluator at a time: a
-- second caller returns {status: skipped} at once. State and outbox change in this one transaction.
create function public.alerts_evaluate(p_scope text default 'all', p_now timestamptz default null)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
set statement_timeout = '1min'
as $$
declare
  v_now      timestamptz := coalesce(p_now, now());
  v_started  timestamptz := clock_timestamp();
  r          public.alert_rules;
  v          record;
  v_state    text;
  v_breaches integer;
  v_clears   integer;
  v_since    timestamptz;
  v_notified timestamptz;
  v_fired    timestamptz;
  v_resolved timestamptz;
  v_evaluated integer := 0;
  v_firings   integer := 0;
  v_resolves  integer := 0;
  v_reminders integer := 0;
  v_rearms    integer := 0;
begin
  if p_scope is null or p_scope not in ('all', 'operators') then
    raise exception 'alerts_evaluate: p_scope must be all or operators' using errcode = '22023';
  end if;
  if not pg_catalog.pg_try_advisory_xact_lock(7262025123000001) then
    return jsonb_build_object('status', 'skipped', 'reason', 'another evaluation is running');
  end if;
  for r in select * from public.alert_rules a where p_scope = 'all' or a.workspace_id = '' order by a.workspace_id, a.id loop
    select * into v from public.alert_rule_value(r, v_now);
    v_state := r.state; v_breaches := r.breaches; v_clears := r.clears; v_since := r.since;
    v_notified := r.last_notified_at; v_fired := r.last_fired_at; v_resolved := r.last_resolved_at;
    v_evaluated := v_evaluated + 1;
    -- A budget belongs to its period: a new day or month (in the workspace's zone) re-arms it, and
    -- an alert of the period that ended resolves.
    if r.metric = 'llm_cost' and r.period_start is distinct from v.period_start then
      if v_state = 'firing' then
        perform public.alert_enqueue(r, 'alert.resolved', public.alert_payload(r, 'alert.resolved', r.last_value, null, v_since, v_now,
          r.period_start, v.period_start - 1, v.time_zone, jsonb_build_object('reason', 'period_ended')));
        v_resolved := v_now;
        v_resolves := v_resolves + 1;
      end if;
      if r.period_start is not null then v_rearms := v_rearms + 1; end if;
      v_state := 'ok'; v_breaches := 0; v_clears := 0; v_since := null;
    end if;
    if v.breaching then
      v_clears := 0;
      if v_state = 'firing' then
        if r.repeat_every_seconds is not null and v_now - v_notified >= make_interval(secs => r.repeat_every_seconds) then
          perform public.alert_enqueue(r, 'alert.firing', public.alert_payload(r, 'alert.firing', v.value, v.sends, v_since, v_now,
            v.window_from, v.window_to, v.time_zone, jsonb_build_object('reminder', true)));
          v_notified := v_now;
          v_reminders := v_reminders + 1;
        end if;
      else
        v_breaches := v_breaches + 1;
        v_since := coalesce(v_since, v_now);
        if v_breaches >= r.for_evaluations then
          v_state := 'firing';
          perform public.alert_enqueue(r, 'alert.firing', public.alert_payload(r, 'alert.firing', v.value, v.sends, v_since, v_now,
            v.window_from, v.window_to, v.time_zone, jsonb_build_object('reminder', false)));
          v_fired := v_now; v_notified := v_now;
          v_firings := v_firings + 1;
        else
          v_state := 'pending';
        end if;
      end if;
    else
      v_breaches := 0;
      if v_state = 'firing' then
        v_clears := v_clears + 1;
        if v_clears >= r.resolve_after then
          perform public.alert_enqueue(r, 'alert.resolved', public.alert_payload(r, 'alert.resolved', v.value, v.sends, v_since, v_now,
            v.window_from, v.window_to, v.time_zone, '{}'::jsonb));
          v_state := 'ok'; v_clears := 0; v_since := null; v_resolved := v_now;
          v_resolves := v_resolves + 1;
        end if;
      else
        v_state := 'ok'; v_since := null;
      end if;
    end if;
    update public.alert_rules a set
      state = v_state, breaches = v_breaches, clears = v_clears, since = v_since, period_start = v.period_start,
      last_value = v.value, last_sends = v.sends, last_evaluated_at = v_now,
      last_fired_at = v_fired, last_resolved_at = v_resolved, last_notified_at = v_notified
    where a.workspace_id = r.workspace_id and a.id = r.id;
  end loop;
  return jsonb_build_object('status', 'evaluated', 'scope', p_scope,
    'evaluated', v_evaluated, 'fired', v_firings, 'resolved', v_resolves, 'reminded', v_reminders, 'rearmed', v_rearms,
    'duration_ms', round(extract(epoch from clock_timestamp() - v_started)::numeric * 1000, 1));
end
$$;
comment on function public.alerts_evaluate(text, timestamptz) is
  'Evaluates every alert rule (p_scope all) or the operators'' (operators) as of p_now (default now()), one evaluator at a time ({status: skipped} otherwise); rule states and the outbox change in this transaction. Returns {status, scope, evaluated, fired, resolved, reminded, rearmed, duration_ms}.';

-- ---------------------------------------------------------------------------------------------
-- 3. Delivery (the app sends; the database decides what is due and records what happened)
-- ---------------------------------------------------------------------------------------------

-- The due notifications (or one given one), leased to the caller for p_lease_seconds so two
-- deliverers never send the same row at once, with their channel. Oldest first.
create function public.alerts_claim_deliveries(p_limit integer, p_lease_seconds integer,
  p_workspace_id text default null, p_id bigint default null)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row    record;
  v_claimed jsonb := '[]'::jsonb;
begin
  -- Claims one at a time: a second deliverer finds nothing now and picks up what is left later.
  if not pg_catalog.pg_try_advisory_xact_lock(7262025123000002) then
    return v_claimed;
  end if;
  for v_row in
    select o.workspace_id, o.id from public.alert_outbox o
    where o.status = 'pending' and o.next_attempt_at <= now() and (o.claimed_until is null or o.claimed_until < now())
      and (p_id is null or (o.workspace_id = p_workspace_id and o.id = p_id))
    order by o.next_attempt_at, o.id
    limit p_limit
  loop
    update public.alert_outbox o set claimed_until = now() + make_interval(secs => p_lease_seconds)
    where o.workspace_id = v_row.workspace_id and o.id = v_row.id;
    v_claimed := v_claimed || (
      select jsonb_build_object('workspace_id', o.workspace_id, 'id', o.id, 'message_id', o.message_id, 'event_type', o.event_type,
               'payload', o.payload, 'attempts', o.attempts,
               'channel', jsonb_build_object('id', c.id, 'kind', c.kind, 'url', c.url, 'secret', c.secret))
      from public.alert_outbox o join public.alert_channels c on c.workspace_id = o.workspace_id and c.id = o.channel_id
      where o.workspace_id = v_row.workspace_id and o.id = v_row.id);
  end loop;
  return v_claimed;
end
$$;
comment on function public.alerts_claim_deliveries(integer, integer, text, bigint) is
  'Leases up to p_limit due notifications (or the one named) to the caller for p_lease_seconds and returns them with their channel''s kind, url and secret (server only).';

-- Backoff after failed attempt n: 30 s, 1, 2, 4 ... minutes, at most an hour.
create function public.alert_backoff(p_attempts integer)
returns interval
language sql
immutable
set search_path = ''
as $$
  select make_interval(secs => least(3600, 30 * power(2, greatest(p_attempts - 1, 0))::integer))
$$;
comment on function public.alert_backoff(integer) is 'Wait before the next attempt after p_attempts failed ones: 30 s doubling, at most 1 hour.';

-- What one attempt did: sent; failed (network, timeout, 5xx, other 4xx: backoff, and the channel's
-- failures in a row counted); rate_limited (429: again after Retry-After, not counted as a failure);
-- gone (410: the channel is disabled); deferred (not attempted: the tick ran out of time).
create function public.alerts_record_delivery(p_workspace_id text, p_id bigint, p_outcome text,
  p_http_status integer default null, p_error text default null, p_retry_after_seconds integer default null)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row      public.alert_outbox;
  v_failures integer;
  v_disable  text;
  v_status   text;
  v_next     timestamptz;
  v_sent     timestamptz;
begin
  if p_outcome not in ('sent', 'failed', 'rate_limited', 'gone', 'deferred') then
    raise exception 'alerts_record_delivery: unknown outcome %', p_outcome using errcode = '22023';
  end if;
  select * into v_row from public.alert_outbox o where o.workspace_id = p_workspace_id and o.id = p_id;
  if not found or v_row.status <> 'pending' then
    return jsonb_build_object('status', coalesce(v_row.status, 'missing'));
  end if;
  if p_outcome = 'deferred' then
    update public.alert_outbox o set claimed_until = null where o.workspace_id = p_workspace_id and o.id = p_id;
    return jsonb_build_object('status', 'pending');
  end if;
  v_status := case when p_outcome = 'sent' then 'sent' when p_outcome = 'gone' or v_row.attempts + 1 >= 12 then 'failed' else 'pending' end;
  -- Worked out here, then written as values (Citus refuses now() inside a CASE of an UPDATE).
  v_next := case when v_status = 'pending' then now() + greatest(
      case when p_outcome = 'rate_limited' then make_interval(secs => 1) else public.alert_backoff(v_row.attempts + 1) end,
      make_interval(secs => coalesce(p_retry_after_seconds, 0))) else v_row.next_attempt_at end;
  v_sent := case when p_outcome = 'sent' then now() end;
  update public.alert_outbox o set
    status = v_status, attempts = v_row.attempts + 1, claimed_until = null, last_attempt_at = now(),
    last_http_status = p_http_status, last_error = left(p_error, 500), sent_at = v_sent, next_attempt_at = v_next
  where o.workspace_id = p_workspace_id and o.id = p_id;
  if p_outcome = 'sent' then
    update public.alert_channels c set consecutive_failures = 0 where c.workspace_id = p_workspace_id and c.id = v_row.channel_id;
  elsif p_outcome = 'failed' then
    update public.alert_channels c set consecutive_failures = c.consecutive_failures + 1
    where c.workspace_id = p_workspace_id and c.id = v_row.channel_id
    returning c.consecutive_failures into v_failures;
    if v_failures >= 5 then v_disable := format('%s deliveries failed in a row (last: %s)', v_failures, coalesce(left(p_error, 200), 'HTTP ' || p_http_status)); end if;
  elsif p_outcome = 'gone' then
    v_disable := 'the receiver answered 410 Gone';
  end if;
  if v_disable is not null then
    update public.alert_channels c set disabled_at = now(), disabled_reason = v_disable
    where c.workspace_id = p_workspace_id and c.id = v_row.channel_id and c.disabled_at is null;
    update public.alert_outbox o set status = 'failed', claimed_until = null, last_error = 'the channel is disabled: ' || v_disable
    where o.workspace_id = p_workspace_id and o.channel_id = v_row.channel_id and o.status = 'pending';
    v_status := 'failed';
  end if;
  return jsonb_build_object('status', v_status, 'channel_disabled', v_disable);
end
$$;
comment on function public.alerts_record_delivery(text, bigint, text, integer, text, integer) is
  'Records one delivery attempt of a notification: sent; failed (retried with backoff, at most 12 attempts; the channel disabled after 5 failures in a row); rate_limited (429, retried after Retry-After); gone (410: the channel disabled); deferred (released unattempted).';

-- ---------------------------------------------------------------------------------------------
-- 4. Managing rules and channels (the CLI as service_role; the API through *_for_member)
-- ---------------------------------------------------------------------------------------------

-- A rule as the API and the CLI show it, with its latest deliveries.
create function public.alert_rule_json(p_rule public.alert_rules)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- PL/pgSQL, not SQL: Citus plans the deliveries' read (a parameter against a distributed table) only here.
  return jsonb_build_object(
    'id', p_rule.id, 'workspace_id', nullif(p_rule.workspace_id, ''), 'metric', p_rule.metric, 'direction', p_rule.direction,
    'threshold', p_rule.threshold, 'window', case when p_rule.window_days = 1 then '24h' when p_rule.window_days = 7 then '7d' end, 'period', p_rule.period,
    'min_sends', p_rule.min_sends, 'campaign', p_rule.campaign_name, 'provider', p_rule.provider,
    'for', p_rule.for_evaluations, 'resolve_after', p_rule.resolve_after, 'repeat_every_seconds', p_rule.repeat_every_seconds,
    'channel_id', p_rule.channel_id, 'state', p_rule.state, 'since', public.alert_instant(p_rule.since), 'value', p_rule.last_value,
    'sends', p_rule.last_sends, 'last_evaluated_at', public.alert_instant(p_rule.last_evaluated_at),
    'last_fired_at', public.alert_instant(p_rule.last_fired_at), 'last_resolved_at', public.alert_instant(p_rule.last_resolved_at),
    'created_at', public.alert_instant(p_rule.created_at),
    'deliveries', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', d.id, 'message_id', d.message_id, 'type', d.event_type,
               'status', case when d.status = 'pending' and d.attempts > 0 then 'retrying' else d.status end,
               'attempts', d.attempts, 'http_status', d.last_http_status, 'error', d.last_error,
               'created_at', public.alert_instant(d.created_at), 'sent_at', public.alert_instant(d.sent_at),
               'next_attempt_at', case when d.status = 'pending' then public.alert_instant(d.next_attempt_at) end) order by d.id desc)
      from (select * from public.alert_outbox o where o.workspace_id = p_rule.workspace_id and o.rule_id = p_rule.id
            order by o.id desc limit 5) d), '[]'::jsonb));
end
$$;
comment on function public.alert_rule_json(public.alert_rules) is 'One rule, its state and history (last fired/resolved, value, its five latest deliveries) as JSON.';

-- A workspace's alerts ('' for the operators'). p_with_urls: the channels' scheme and host (the
-- whole URL and the secret never leave the database after the channel is made).
create function public.alerts_list(p_workspace_id text, p_with_urls boolean default true)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
set statement_timeout = '5s'
as $$
declare
  v_rule  public.alert_rules;
  v_rules jsonb := '[]'::jsonb;
begin
  -- One rule at a time on the coordinator: on Citus a function of a distributed table's row cannot
  -- run on the shards (their row type is the shard's).
  for v_rule in select * from public.alert_rules a where a.workspace_id = p_workspace_id order by a.created_at, a.id loop
    v_rules := v_rules || public.alert_rule_json(v_rule);
  end loop;
  return jsonb_build_object(
    'workspace_id', nullif(p_workspace_id, ''),
    'channels', coalesce((
      select jsonb_agg(jsonb_build_object('id', c.id, 'kind', c.kind, 'name', c.name,
               'url_hint', case when p_with_urls then substring(c.url from '^(https?://[^/?#]+)') || '/…' end,
               'disabled_at', public.alert_instant(c.disabled_at), 'disabled_reason', c.disabled_reason,
               'consecutive_failures', c.consecutive_failures, 'created_at', public.alert_instant(c.created_at)) order by c.created_at, c.id)
      from public.alert_channels c where c.workspace_id = p_workspace_id), '[]'::jsonb),
    'rules', v_rules);
end
$$;
comment on function public.alerts_list(text, boolean) is
  'A workspace''s alert channels (with the URL''s scheme and host when p_with_urls, never the secret) and rules with their state and latest deliveries; workspace '''' is the operators''.';

-- Every change, one entry point: rule_add, rule_update, rule_remove, channel_add, channel_remove,
-- channel_enable, channel_test (a test notification in the outbox), and remove (a rule or channel by
-- id alone, from the CLI: p_workspace_id null). A refused change is an answer, never a half write.
create function public.alerts_change(p_workspace_id text, p_action text, p_target uuid default null, p_body jsonb default '{}'::jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_ws    text := p_workspace_id;
  v_rule  public.alert_rules;
  v_chan  public.alert_channels;
  v_id    bigint;
  v_used  integer;
  v_b     jsonb := coalesce(p_body, '{}'::jsonb);
begin
  if p_action = 'remove' and v_ws is null then
    select a.workspace_id, 'rule_remove' into v_ws, p_action from public.alert_rules a where a.id = p_target;
    if v_ws is null then
      select c.workspace_id, 'channel_remove' into v_ws, p_action from public.alert_channels c where c.id = p_target;
    end if;
    if v_ws is null then return jsonb_build_object('error', 'missing'); end if;
  end if;
  if v_ws is null then
    raise exception 'alerts_change: a workspace is required' using errcode = '22023';
  end if;
  case p_action
  when 'channel_add' then
    insert into public.alert_channels (workspace_id, kind, name, url, secret)
    values (v_ws, v_b ->> 'kind', coalesce(v_b ->> 'name', ''), v_b ->> 'url', v_b ->> 'secret')
    returning * into v_chan;
    return jsonb_build_object('channel', jsonb_build_object('id', v_chan.id, 'kind', v_chan.kind, 'name', v_chan.name,
      'url_hint', substring(v_chan.url from '^(https?://[^/?#]+)') || '/…', 'created_at', public.alert_instant(v_chan.created_at)));
  when 'channel_remove' then
    select count(*) into v_used from public.alert_rules a where a.workspace_id = v_ws and a.channel_id = p_target;
    if v_used > 0 then return jsonb_build_object('error', 'in_use', 'rules', v_used); end if;
    delete from public.alert_channels c where c.workspace_id = v_ws and c.id = p_target;
    return case when found then jsonb_build_object('removed', 'channel', 'id', p_target) else jsonb_build_object('error', 'missing') end;
  when 'channel_enable' then
    update public.alert_channels c set disabled_at = null, disabled_reason = null, consecutive_failures = 0
    where c.workspace_id = v_ws and c.id = p_target;
    return case when found then jsonb_build_object('enabled', 'channel', 'id', p_target) else jsonb_build_object('error', 'missing') end;
  when 'channel_test' then
    select * into v_chan from public.alert_channels c where c.workspace_id = v_ws and c.id = p_target;
    if not found then return jsonb_build_object('error', 'missing'); end if;
    insert into public.alert_outbox (workspace_id, message_id, channel_id, event_type, payload)
    values (v_ws, 'msg_' || pg_catalog.replace(gen_random_uuid()::text, '-', ''), p_target, 'alert.test',
            jsonb_build_object('type', 'alert.test', 'rule_id', null, 'workspace_id', nullif(v_ws, ''), 'metric', null, 'value', null,
                               'threshold', null, 'since', public.alert_instant(now()), 'at', public.alert_instant(now()), 'dashboard_path', '/'))
    returning id into v_id;
    return jsonb_build_object('outbox_id', v_id, 'workspace_id', v_ws);
  when 'rule_add', 'rule_update' then
    if p_action = 'rule_add' then
      insert into public.alert_rules (workspace_id, metric, direction, threshold, window_days, period, min_sends, campaign_name, provider,
                                      for_evaluations, resolve_after, repeat_every_seconds, channel_id)
      values (v_ws, v_b ->> 'metric', v_b ->> 'direction', (v_b ->> 'threshold')::numeric,
              case when v_b ->> 'window' = '24h' then 1 when v_b ->> 'window' = '7d' then 7 end, v_b ->> 'period',
              coalesce((v_b ->> 'min_sends')::integer, 100), v_b ->> 'campaign', v_b ->> 'provider',
              coalesce((v_b ->> 'for')::integer, 1), coalesce((v_b ->> 'resolve_after')::integer, 1),
              (v_b ->> 'repeat_every_seconds')::integer, (v_b ->> 'channel_id')::uuid)
      returning * into v_rule;
    else
      -- The state is kept: the next evaluation judges it by the new settings (and says so if it resolves).
      update public.alert_rules a set metric = v_b ->> 'metric', direction = v_b ->> 'direction', threshold = (v_b ->> 'threshold')::numeric,
        window_days = case when v_b ->> 'window' = '24h' then 1 when v_b ->> 'window' = '7d' then 7 end, period = v_b ->> 'period',
        min_sends = coalesce((v_b ->> 'min_sends')::integer, 100), campaign_name = v_b ->> 'campaign', provider = v_b ->> 'provider',
        for_evaluations = coalesce((v_b ->> 'for')::integer, 1), resolve_after = coalesce((v_b ->> 'resolve_after')::integer, 1),
        repeat_every_seconds = (v_b ->> 'repeat_every_seconds')::integer, channel_id = (v_b ->> 'channel_id')::uuid
      where a.workspace_id = v_ws and a.id = p_target
      returning * into v_rule;
      if not found then return jsonb_build_object('error', 'missing'); end if;
    end if;
    return jsonb_build_object('rule', public.alert_rule_json(v_rule));
  when 'rule_remove' then
    delete from public.alert_rules a where a.workspace_id = v_ws and a.id = p_target;
    return case when found then jsonb_build_object('removed', 'rule', 'id', p_target) else jsonb_build_object('error', 'missing') end;
  else
    raise exception 'alerts_change: unknown action %', p_action using errcode = '22023';
  end case;
exception
  -- A rule or channel the constraints refuse (a channel of another workspace, a metric without its
  -- window or period, an operators' metric in a workspace): an answer naming the constraint.
  when check_violation or foreign_key_violation or not_null_violation or invalid_text_representation or numeric_value_out_of_range then
    return jsonb_build_object('error', 'invalid', 'message', sqlerrm);
end
$$;
comment on function public.alerts_change(text, text, uuid, jsonb) is
  'Changes a workspace''s alerts (p_action: rule_add, rule_update, rule_remove, channel_add, channel_remove, channel_enable, channel_test; remove with a null workspace finds the rule or channel by id). Answers {rule}, {channel}, {removed}, {outbox_id}, or {error: missing | in_use | invalid}.';

-- The workspaces that have alert channels ('' first: the operators'), for the CLI's list of everything.
create function public.alerts_workspaces()
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(jsonb_agg(w.workspace_id order by w.workspace_id collate "C"), '[]'::jsonb)
  from (select distinct c.workspace_id from public.alert_channels c) w
$$;
comment on function public.alerts_workspaces() is 'Every workspace id with an alert channel ('''' is the operators'').';

create function public.alerts_list_for_member(p_user_id uuid, p_workspace_id text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
set statement_timeout = '5s'
as $$
declare
  v_role text := public.dashboard_member_role(p_user_id, p_workspace_id);
begin
  -- Not a member, or no such workspace: the same answer. Viewers see no channel URL.
  if v_role is null then
    return jsonb_build_object('error', 'not_found');
  end if;
  return public.alerts_list(p_workspace_id, v_role = 'admin') || jsonb_build_object('role', v_role);
end
$$;
comment on function public.alerts_list_for_member(uuid, text) is
  'alerts_list(...) for a signed-in member, with the role; channel URL hints for admins only; {"error":"not_found"} for a non-member or a missing workspace (the same).';

create function public.alerts_change_for_member(p_user_id uuid, p_workspace_id text, p_action text, p_target uuid default null,
  p_body jsonb default '{}'::jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_role text := public.dashboard_member_role(p_user_id, p_workspace_id);
begin
  if v_role is null or p_workspace_id is null then
    return jsonb_build_object('error', 'not_found');
  end if;
  if v_role <> 'admin' then
    return jsonb_build_object('error', 'forbidden');
  end if;
  return public.alerts_change(p_workspace_id, p_action, p_target, p_body);
end
$$;
comment on function public.alerts_change_for_member(uuid, text, text, uuid, jsonb) is
  'alerts_change(...) for a signed-in admin of the workspace: {"error":"not_found"} for a non-member, {"error":"forbidden"} for a viewer.';

-- ---------------------------------------------------------------------------------------------
-- 5. Privileges: RLS on and no policy; nothing for anon and authenticated; the server only.
-- ---------------------------------------------------------------------------------------------

alter table public.alert_channels enable row level security;
alter table public.alert_rules    enable row level security;
alter table public.alert_outbox   enable row level security;
revoke all on table public.alert_channels, public.alert_rules, public.alert_outbox from public, anon, authenticated;
grant select, insert, update, delete on table public.alert_channels, public.alert_rules, public.alert_outbox to service_role;
do $$
begin
  execute format('revoke all on sequence %s from public, anon, authenticated', pg_catalog.pg_get_serial_sequence('public.alert_outbox', 'id'));
end
$$;

revoke all on function
  public.alert_instant(timestamptz), public.alert_rule_value(public.alert_rules, timestamptz),
  public.alert_payload(public.alert_rules, text, numeric, bigint, timestamptz, timestamptz, date, date, text, jsonb),
  public.alert_enqueue(public.alert_rules, text, jsonb), public.alerts_evaluate(text, timestamptz),
  public.alerts_claim_deliveries(integer, integer, text, bigint), public.alert_backoff(integer),
  public.alerts_record_delivery(text, bigint, text, integer, text, integer), public.alert_rule_json(public.alert_rules),
  public.alerts_list(text, boolean), public.alerts_change(text, text, uuid, jsonb), public.alerts_workspaces(),
  public.alerts_list_for_member(uuid, text), public.alerts_change_for_member(uuid, text, text, uuid, jsonb)
  from public, anon, authenticated;
grant execute on function
  public.alerts_evaluate(text, timestamptz), public.alerts_claim_deliveries(integer, integer, text, bigint),
  public.alerts_record_delivery(text, bigint, text, integer, text, integer), public.alerts_list(text, boolean),
  public.alerts_change(text, text, uuid, jsonb), public.alerts_workspaces(), public.alerts_list_for_member(uuid, text),
  public.alerts_change_for_member(uuid, text, text, uuid, jsonb)
  to service_role;

-- ---------------------------------------------------------------------------------------------
-- 6. On Citus: distributed by workspace_id, co-located with the views they read (a rule's reads and
--    writes stay on the node of its workspace). Nothing happens here without Citus.
-- ---------------------------------------------------------------------------------------------

do $$
declare
  v_table text;
begin
  if not exists (select 1 from pg_catalog.pg_extension where extname = 'citus') then
    return;
  end if;
  set local citus.multi_shard_modify_mode = 'sequential';
  foreach v_table in array array['alert_channels', 'alert_rules', 'alert_outbox'] loop
    perform create_distributed_table(format('public.%I', v_table), 'workspace_id', colocate_with => 'public.email_events');
  end loop;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- 7. The contract's version (see 20251223000001): the alerts functions are new; older apps still work.
-- ---------------------------------------------------------------------------------------------

create or replace function public.dashboard_schema_version()
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object('version', '20251230000001', 'compatible_since', '20251222000001')
$$;
