-- Why the change tracking, the refresh and the reads take the forms they do: they are written so that
-- Citus can run them, and the same on one Postgres (see README "Scaling out"). The functions are
-- defined in their own migrations (20251209…, 20251210…, 20251220…), never shipped before these;
-- only dashboard_workspaces(), which a shipped migration defines, is redefined here. What a Citus
-- coordinator refused, and the form used instead:
--
--   * the change-tracking triggers run on every shard on Citus, where a statement that reads the
--     trigger's transition table and writes a distributed table fails ("could not find named
--     tuplestore"): they read the buckets into arrays first, then insert them; a TRUNCATE is logged
--     by the trigger of the table itself on the coordinator (a shard's trigger cannot read the
--     distributed view: "cannot execute a distributed query from a query on a shard");
--   * dashboard_merge_buckets found the rows to delete and insert with a correlated NOT EXISTS
--     between a view and a temporary table ("relation ... is not distributed"): now EXCEPT, whose
--     two sides Citus plans on their own;
--   * dashboard_refresh_contacts probed dashboard_contact_days per changed contact with LATERAL ...
--     LIMIT 1 / OFFSET 0 from temporary tables ("cannot push down this subquery"): the bucket read is
--     a plain join, and the chain repair runs one workspace at a time, which Citus routes whole to
--     the node holding that workspace;
--   * reads: LANGUAGE sql functions that pass their parameters to distributed tables are PL/pgSQL
--     now, and a function that reads distributed tables is called by its own statement, never
--     inside a statement Citus routes to a worker.

-- dashboard_workspaces(), first defined in the shipped 20251208000001, in its Citus form: each
-- workspace is turned into a JSON object before it is aggregated (Citus cannot read an anonymous
-- row type back from the workers).
create or replace function public.dashboard_workspaces()
returns jsonb
language sql
stable
security definer
set search_path = ''
set statement_timeout = '5s'
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
  select jsonb_build_object('workspaces', coalesce(jsonb_agg(w.workspace order by w.workspace_id collate "C"), '[]'::jsonb))
  from (
    select c.workspace_id,
           jsonb_build_object(
             'workspace_id', c.workspace_id,
             'first_day', to_char(min(c.first_day), 'YYYY-MM-DD'),
             'last_day', to_char(max(c.last_day), 'YYYY-MM-DD'),
             'campaigns', coalesce(jsonb_agg(jsonb_build_object(
                      'campaign_name', c.campaign_name,
                      'first_day', to_char(c.first_day, 'YYYY-MM-DD'),
                      'last_day', to_char(c.last_day, 'YYYY-MM-DD')) order by c.campaign_name collate "C")
                    filter (where c.campaign_name is not null), '[]'::jsonb)) as workspace
    from campaigns c
    group by c.workspace_id
  ) w
$$;
