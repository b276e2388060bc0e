-- Answers from the views kept by the server until a refresh changes them (lib/dashboard/answer-cache.ts).
--
-- The app keeps source=mv answers in Next.js's cache (lib/dashboard/answer-cache.ts), keyed by what
-- the answer is computed from. Before it may look there, every request makes one small call that
-- decides access and reads that key's parts, here:
--
--   dashboard_answer_basis[_for_member](workspace, source)
--       dashboard_answer_context's {time_zone, today, data_version} (data_version: the workspace's
--       version in the views, moved by every refresh that writes its rows, whoever runs it: the
--       route, the cron, pg_cron, the SQL editor), plus, for source mv, the answer's freshness rows
--       now. Freshness moves with every refresh and every write while the figures do not, so it is
--       not kept with the figures: the app lays these rows over the kept answer.
--   dashboard_workspaces_basis[_for_member]()
--       the version of the workspace list (every workspace's version in the views and every zone
--       setting), and for a signed-in user the workspaces they are a member of, with their role:
--       the list is kept once for everyone and cut to the caller's workspaces on every request.
--
-- Nothing here is kept in the database: these read a few index entries and one row per workspace.

-- The version of dashboard_workspaces()'s answer: it reads the views (which only a refresh writes,
-- and every refresh that writes a workspace's rows gives it a new, larger version) and the zone
-- settings (written by the app or directly in SQL). Order-free sums, so it costs one pass over two
-- small tables, one row per workspace, also on Citus.
create function public.dashboard_workspaces_version()
returns bigint
language plpgsql
stable
security definer            -- reads the views' per-workspace state, which the API roles cannot
set search_path = ''
as $$
declare
  v_views text;
  v_zones text;
begin
  -- One statement per table: on Citus each runs as a query of its own from the coordinator.
  select count(*) || ':' || coalesce(max(s.version), 0) into v_views from public.dashboard_workspace_state s;
  select count(*) || ':' || coalesce(sum(pg_catalog.hashtextextended(st.workspace_id || '=' || st.time_zone, 0)::numeric), 0)
    into v_zones from public.workspace_settings st;
  -- 52 bits: it reaches JavaScript as a number (exact below 2^53).
  return pg_catalog.hashtextextended(v_views || '|' || v_zones, 0) & 4503599627370495;
end
$$;
comment on function public.dashboard_workspaces_version() is
  'A number that moves whenever dashboard_workspaces() may answer differently: a refresh wrote some workspace''s rows in the views, or a zone setting changed.';

-- One small call before an answer that may come from the app's cache: access (in the _for_member
-- form), the key's parts, and what the app lays over a kept answer.
create function public.dashboard_answer_basis(p_workspace_id text, p_source text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
set statement_timeout = '2s'
as $$
declare
  v_context   jsonb := public.dashboard_answer_context(p_workspace_id, p_source);
  v_freshness jsonb;
begin
  -- Read by its own statement (on Citus a function reading distributed tables cannot run inside
  -- a statement sent to a worker). An mv answer reads no raw rows: raw_buckets is 0.
  if p_source = 'mv' then
    v_freshness := public.dashboard_freshness_rows(public.dashboard_answer_freshness(p_workspace_id, 'mv'), 0, 0);
  end if;
  return v_context || jsonb_build_object('freshness', v_freshness);
end
$$;
comment on function public.dashboard_answer_basis(text, text) is
  'dashboard_answer_context(...) ({time_zone, today, data_version}) and, for source mv, the answer''s freshness rows now: what a kept answer is keyed by and served with.';

create function public.dashboard_answer_basis_for_member(p_user_id uuid, p_workspace_id text, p_source text)
returns jsonb
language plpgsql
stable
security definer            -- reads workspace_members; callers need EXECUTE only
set search_path = ''
set statement_timeout = '2s'
as $$
declare
  v_refusal jsonb := public.dashboard_member_refusal(p_user_id, p_workspace_id, p_source);
begin
  if v_refusal is not null then
    return v_refusal;
  end if;
  return public.dashboard_answer_basis(p_workspace_id, p_source)
         || jsonb_build_object('role', public.dashboard_member_role(p_user_id, p_workspace_id));
end
$$;
comment on function public.dashboard_answer_basis_for_member(uuid, text, text) is
  'dashboard_answer_basis(...) for a signed-in user, with the membership check in the same call (refusals as dashboard_aggregate_for_member), and the user''s role.';

create function public.dashboard_workspaces_basis()
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
set statement_timeout = '2s'
as $$
begin
  return jsonb_build_object('views_version', public.dashboard_workspaces_version());
end
$$;
comment on function public.dashboard_workspaces_basis() is
  'The version of dashboard_workspaces()''s answer, read before the app serves the list from its cache.';

create function public.dashboard_workspaces_basis_for_member(p_user_id uuid)
returns jsonb
language plpgsql
stable
security definer            -- reads workspace_members; callers need EXECUTE only
set search_path = ''
set statement_timeout = '2s'
as $$
declare
  v_version bigint := public.dashboard_workspaces_version();
begin
  -- As dashboard_workspaces_for_member() lists them: the user's workspaces in code point order, each
  -- with the user's role, and how one joined before it has data is listed (no days, no campaigns).
  return jsonb_build_object('views_version', v_version, 'memberships', (
    select coalesce(jsonb_agg(jsonb_build_object(
             'workspace_id', m.workspace_id,
             'role', m.role,
             'without_data', jsonb_build_object('workspace_id', m.workspace_id, 'first_day', null, 'last_day', null,
                                                'campaigns', '[]'::jsonb, 'time_zone', coalesce(st.time_zone, 'UTC')))
             order by m.workspace_id collate "C"), '[]'::jsonb)
    from public.workspace_members m
    left join public.workspace_settings st on st.workspace_id = m.workspace_id
    where m.user_id = p_user_id));
end
$$;
comment on function public.dashboard_workspaces_basis_for_member(uuid) is
  'The version of dashboard_workspaces()''s answer and the user''s memberships (workspace, role, and the entry listed while it has no data): the app cuts the kept list of every workspace to these on every request.';

revoke all on function public.dashboard_workspaces_version(), public.dashboard_answer_basis(text, text),
  public.dashboard_answer_basis_for_member(uuid, text, text), public.dashboard_workspaces_basis(),
  public.dashboard_workspaces_basis_for_member(uuid)
  from public, anon, authenticated;
grant execute on function public.dashboard_workspaces_version(), public.dashboard_answer_basis(text, text),
  public.dashboard_answer_basis_for_member(uuid, text, text), public.dashboard_workspaces_basis(),
  public.dashboard_workspaces_basis_for_member(uuid)
  to service_role;

-- The contract's version (see 20251223000001): the basis functions are new; older apps still work.
create or replace function public.dashboard_schema_version()
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object('version', '20251231000001', 'compatible_since', '20251222000001')
$$;
