-- Throttling of sign-in attempts per client IP and per email address. Every call the server makes to
-- Supabase Auth leaves from the server's own address, and Supabase limits per address: without this,
-- one client flooding the sign-in or magic-link form would lock every user out. The counters live
-- here, not in the server's memory, so every serverless instance sees the same ones.

create table public.sign_in_throttle (
  subject      text        not null check (length(subject) <= 200),
  action       text        not null check (action in ('password', 'magic-link', 'confirm', 'prune')),
  window_start timestamptz not null,
  attempts     integer     not null check (attempts >= 0),
  expires_at   timestamptz not null,
  primary key (subject, action)
);
comment on table public.sign_in_throttle is
  'Sign-in attempts per client and action in the current fixed window (sign_in_attempt). One row (prune, *) records when expired rows were last deleted.';
comment on column public.sign_in_throttle.subject is
  'Who is counted: ip:<address> (IPv6 per /64), ip:unknown, or email:<sha256 of the lower-cased address> (no address is kept in clear).';
comment on column public.sign_in_throttle.action is 'password (sign-in), magic-link (a link by email), confirm (the emailed link), or prune (the bookkeeping row).';
comment on column public.sign_in_throttle.window_start is 'Start of the current window (for the prune row: the last prune).';
comment on column public.sign_in_throttle.attempts is 'Attempts in the current window, refused ones included.';
comment on column public.sign_in_throttle.expires_at is 'End of the current window; the row is deleted after it.';

create index sign_in_throttle_expires_at_idx on public.sign_in_throttle (expires_at);
comment on index public.sign_in_throttle_expires_at_idx is 'Serves the prune in sign_in_attempt(): finds expired rows without reading live ones.';

-- The bookkeeping row: never expires, so the prune never deletes it.
insert into public.sign_in_throttle (subject, action, window_start, attempts, expires_at)
values ('*', 'prune', '-infinity', 0, 'infinity');

-- One attempt of a subject: a new window when the last one has ended. Called by sign_in_attempt()
-- only (as its owner), for the client and then the address.
create function public.sign_in_throttle_count(p_subject text, p_action text, p_window interval, out attempts integer, out expires_at timestamptz)
language plpgsql
volatile
set search_path = ''
as $$
declare
  -- Computed here and passed in as values: Citus accepts only immutable functions in ON CONFLICT's
  -- DO UPDATE SET, and now() and timestamptz + interval are stable.
  v_now timestamptz := now();
  v_end timestamptz := now() + p_window;
begin
  insert into public.sign_in_throttle as t (subject, action, window_start, attempts, expires_at)
  values (p_subject, p_action, v_now, 1, v_end)
  on conflict (subject, action) do update
    set window_start = case when t.expires_at <= v_now then v_now else t.window_start end,
        attempts     = case when t.expires_at <= v_now then 1 else least(t.attempts + 1, 1000000) end,
        expires_at   = case when t.expires_at <= v_now then v_end else t.expires_at end
  returning t.attempts, t.expires_at into attempts, expires_at;
end
$$;
comment on function public.sign_in_throttle_count(text, text, interval) is
  'Counts one attempt of a subject (ip:… or email:…) for an action in fixed windows of p_window; answers the attempts in the current window and its end. Internal to sign_in_attempt().';

create function public.sign_in_attempt(p_action text, p_client_ip text, p_email text)
returns jsonb
language plpgsql
volatile
security definer            -- writes sign_in_throttle, which no API role can
set search_path = ''
set statement_timeout = '2s'
as $$
declare
  -- The limits, per action: attempts per client address and per email address in one window. Above
  -- what a person retyping a password or waiting for an email does, far below Supabase Auth's own
  -- per-address limits, which every user of this server shares.
  v_ip_limit    integer;
  v_email_limit integer;
  v_window      interval;
  v_ip_subject  text := 'ip:' || coalesce(nullif(p_client_ip, ''), 'unknown');
  v_attempts    integer;
  v_expires     timestamptz;
  v_limited_by  text;
begin
  case p_action
    when 'password'   then v_ip_limit := 20; v_email_limit := 10; v_window := interval '5 minutes';
    when 'magic-link' then v_ip_limit := 10; v_email_limit := 3;  v_window := interval '15 minutes';
    when 'confirm'    then v_ip_limit := 30; v_email_limit := null; v_window := interval '5 minutes';
    else raise exception 'unknown sign-in action: %', p_action using errcode = '22023';
  end case;
  if length(v_ip_subject) > 100 then
    raise exception 'p_client_ip is not an address' using errcode = '22023';
  end if;

  -- Expired rows go at most once a minute, by whichever call comes first: the table holds only
  -- the current windows, however many addresses a flood cycles through.
  update public.sign_in_throttle set window_start = now()
  where subject = '*' and action = 'prune' and window_start < now() - interval '1 minute';
  if found then
    delete from public.sign_in_throttle where expires_at <= now();
  end if;

  select c.attempts, c.expires_at into v_attempts, v_expires from public.sign_in_throttle_count(v_ip_subject, p_action, v_window) c;
  if v_attempts > v_ip_limit then
    v_limited_by := 'ip';
  elsif v_email_limit is not null and nullif(p_email, '') is not null then
    -- Counted only for a client still allowed: a throttled client cannot keep an address locked.
    select c.attempts, c.expires_at into v_attempts, v_expires
    from public.sign_in_throttle_count('email:' || encode(pg_catalog.sha256(convert_to(lower(trim(p_email)), 'UTF8')), 'hex'), p_action, v_window) c;
    if v_attempts > v_email_limit then
      v_limited_by := 'email';
    end if;
  end if;

  return jsonb_build_object(
    'allowed', v_limited_by is null,
    'limited_by', v_limited_by,
    'retry_after_seconds', case when v_limited_by is null then 0
                                else greatest(1, ceil(extract(epoch from v_expires - now())))::integer end);
end
$$;
comment on function public.sign_in_attempt(text, text, text) is
  'Counts one sign-in attempt (password, magic-link or confirm) of a client address and, if given, an email address; answers {allowed, limited_by: ip|email|null, retry_after_seconds}. Limits per action are in the function.';

alter table public.sign_in_throttle enable row level security;
revoke all on table public.sign_in_throttle from public, anon, authenticated;
revoke all on function public.sign_in_throttle_count(text, text, interval), public.sign_in_attempt(text, text, text) from public, anon, authenticated;
grant execute on function public.sign_in_attempt(text, text, text) to service_role;

-- On Citus (see 20251221000001_citus_ready.sql), spread by the counted subject: each attempt writes
-- one shard. Nothing happens here on a Postgres without Citus.
do $$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'citus') then
    perform create_distributed_table('public.sign_in_throttle', 'subject', colocate_with => 'none');
  end if;
end
$$;

-- The contract's version (see 20251223000001): this app calls sign_in_attempt(); an app of the
-- previous version still works with this schema.
create or replace function public.dashboard_schema_version()
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object('version', '20251224000001', 'compatible_since', '20251222000001')
$$;
