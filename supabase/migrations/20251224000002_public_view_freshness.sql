-- The freshness anyone may read (GET /api/admin/refresh-views without credentials, for uptime
-- monitors): each view's last refresh and age, and nothing else. get_view_freshness() also counts the
-- change log (pending_buckets), which tells every caller how much all tenants wrote since, and costs a
-- scan per anonymous request; it stays for operators (npm run freshness, the refresh's own answer).

create function public.dashboard_view_ages()
returns table (view_name text, last_refreshed timestamptz, age_seconds integer)
language sql
stable
security definer            -- reads the refresh log, which the API roles cannot
set search_path = ''
set statement_timeout = '2s'
as $$
  select v.view_name,
         r.current_as_of,
         case when r.current_as_of is not null
              then greatest(0, floor(extract(epoch from statement_timestamp() - r.current_as_of)))::integer end
  from public.dashboard_views v
  left join lateral (
    select l.current_as_of from public.dashboard_view_refreshes l
    where l.view_name = v.view_name
    order by l.finished_at desc
    limit 1
  ) r on true
  order by v.position
$$;
comment on function public.dashboard_view_ages() is
  'Per dashboard view: the moment its data is current as of (null: never refreshed) and its age in seconds; no per-tenant figure, so it may answer anonymous freshness checks.';

revoke all on function public.dashboard_view_ages() from public, anon, authenticated;
grant execute on function public.dashboard_view_ages() to service_role;

-- The contract's version (see 20251223000001): this app calls dashboard_view_ages(); an app of the
-- previous version still works with this schema.
create or replace function public.dashboard_schema_version()
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object('version', '20251224000002', 'compatible_since', '20251222000001')
$$;
