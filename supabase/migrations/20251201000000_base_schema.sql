-- Base schema: the raw source tables that producers write (a contract, see ARCHITECTURE.md).

-- Supabase projects already have these roles; a plain Postgres (embedded dev/test, DATABASE_URL)
-- does not. Creating them when missing lets the same migrations run unchanged on both.
do $$
declare r text;
begin
  foreach r in array array['anon', 'authenticated', 'service_role'] loop
    if not exists (select 1 from pg_roles where rolname = r) then
      -- service_role bypasses row level security on Supabase; mirror that.
      execute format('create role %I nologin', r) || case when r = 'service_role' then ' bypassrls' else '' end;
    end if;
  end loop;
end
$$;

create table if not exists public.email_events (
  id            bigint generated always as identity primary key,
  workspace_id  text        not null,
  campaign_name text        not null,
  contact_email text        not null,
  event_type    text        not null check (event_type in ('sent','opened','clicked','replied','bounced','opted_out')),
  email_number  smallint    check (email_number >= 1),
  event_ts      timestamptz not null default now(),
  metadata      jsonb       not null default '{}'
);
comment on table public.email_events is 'Raw email events, one row per send/open/click/reply/bounce/opt-out; email_number is the sequence step.';

create table if not exists public.llm_usage (
  id            bigint generated always as identity primary key,
  workspace_id  text          not null,
  campaign_name text,
  provider      text          not null,
  model         text          not null,
  tokens_in     integer       not null default 0 check (tokens_in >= 0),
  tokens_out    integer       not null default 0 check (tokens_out >= 0),
  cost_usd      numeric(14,6) not null default 0 check (cost_usd >= 0),
  purpose       text,
  created_at    timestamptz   not null default now()
);
comment on table public.llm_usage is 'Raw LLM calls with tokens and cost; campaign_name is null for usage not tied to a campaign.';

-- Legacy per-day counters written by older producers. Kept (and indexed) for them; nothing new reads it.
create table if not exists public.daily_stats (
  id            bigint generated always as identity primary key,
  workspace_id  text    not null,
  campaign_name text    not null,
  day           date    not null,
  sends         integer not null default 0,
  opens         integer not null default 0,
  clicks        integer not null default 0,
  replies       integer not null default 0,
  bounces       integer not null default 0,
  opt_outs      integer not null default 0,
  updated_at    timestamptz not null default now(),
  unique (workspace_id, campaign_name, day)
);
comment on table public.daily_stats is 'Legacy per-day counters; superseded by mv_daily_stats.';

-- Row level security on, with no policies: the Data API roles (anon, authenticated) see nothing.
alter table public.email_events enable row level security;
alter table public.llm_usage    enable row level security;
alter table public.daily_stats  enable row level security;

-- Supabase grants every table in public to anon/authenticated by default; revoke it explicitly.
revoke all on table public.email_events, public.llm_usage, public.daily_stats from public, anon, authenticated;
grant select, insert, update, delete on table public.email_events, public.llm_usage, public.daily_stats to service_role;
