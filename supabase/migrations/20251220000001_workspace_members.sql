-- Who may read which workspace. The server talks to the database as service_role, so the database's
-- grants alone protect nothing from HTTP callers: every dashboard read goes through a *_for_member
-- function that checks the caller's membership in the same round trip as the read.

create table public.workspace_members (
  workspace_id text        not null check (workspace_id <> ''),
  user_id      uuid        not null,
  role         text        not null default 'viewer' check (role in ('viewer', 'admin')),
  created_at   timestamptz not null default now(),
  primary key (workspace_id, user_id)
);
comment on table public.workspace_members is
  'Dashboard access: a Supabase Auth user (user_id = auth.users.id, the access token''s sub) may read a workspace as viewer, or as admin (also source=raw and refreshing the views from the page).';
comment on column public.workspace_members.workspace_id is 'The workspace_id of email_events/llm_usage this membership opens.';
comment on column public.workspace_members.user_id is 'The Supabase Auth user id (the sub claim of its access tokens).';
comment on column public.workspace_members.role is 'viewer: reads the dashboard; admin: also source=raw and "Refresh now".';
comment on column public.workspace_members.created_at is 'When the membership was granted.';

-- The workspace list filters by user: without this index it would scan every membership.
create index workspace_members_user_id_idx on public.workspace_members (user_id);
comment on index public.workspace_members_user_id_idx is 'Serves dashboard_workspaces_for_member(): a user''s memberships.';

-- On Supabase, deleting an Auth user removes its memberships. A plain Postgres has no auth schema.
do $$
begin
  if to_regclass('auth.users') is not null then
    alter table public.workspace_members
      add constraint workspace_members_user_id_fkey foreign key (user_id) references auth.users (id) on delete cascade;
  end if;
end
$$;

-- Row level security on, with no policies, and no grants: like the other tables, only service_role.
alter table public.workspace_members enable row level security;
revoke all on table public.workspace_members from public, anon, authenticated;
grant select, insert, update, delete on table public.workspace_members to service_role;

-- A dashboard read must never hold a connection for minutes. The API roles have their own timeout on
-- Supabase, but the server calls as service_role; each function carries its own limit, which
-- PostgREST (db-hoisted-tx-settings) and our Postgres store apply to the calling transaction.
alter function public.dashboard_aggregate(text, date, date, text, text, bigint) set statement_timeout = '10s';
alter function public.dashboard_workspaces() set statement_timeout = '5s';

create function public.dashboard_member_role(p_user_id uuid, p_workspace_id text)
returns text
language sql
stable
security definer            -- reads workspace_members, which the API roles cannot
set search_path = ''
set statement_timeout = '2s'
as $$
  select m.role from public.workspace_members m where m.workspace_id = p_workspace_id and m.user_id = p_user_id
$$;
comment on function public.dashboard_member_role(uuid, text) is
  'The role (viewer/admin) of a user in a workspace, null when not a member (e.g. to allow "Refresh now" to admins only).';

create function public.dashboard_aggregate_for_member(
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
security definer            -- reads workspace_members and calls dashboard_aggregate; callers need EXECUTE only
set search_path = ''
set statement_timeout = '10s'
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
  return public.dashboard_aggregate(p_workspace_id, p_from, p_to, p_campaign, p_source, p_known_version);
end
$$;
comment on function public.dashboard_aggregate_for_member(uuid, text, date, date, text, text, bigint) is
  'dashboard_aggregate(...) for a signed-in user, with the membership check in the same call: {"error":"not_found"} for a non-member or a missing workspace (the same), {"error":"forbidden"} for source raw as a viewer, else exactly dashboard_aggregate''s answer.';

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
comment on function public.dashboard_workspaces_for_member(uuid) is
  'dashboard_workspaces() limited to the workspaces a user is a member of, each with the user''s role (workspaces joined before they have data are listed without days or campaigns).';

revoke all on function public.dashboard_member_role(uuid, text),
  public.dashboard_aggregate_for_member(uuid, text, date, date, text, text, bigint),
  public.dashboard_workspaces_for_member(uuid) from public, anon, authenticated;
grant execute on function public.dashboard_member_role(uuid, text),
  public.dashboard_aggregate_for_member(uuid, text, date, date, text, text, bigint),
  public.dashboard_workspaces_for_member(uuid) to service_role;
