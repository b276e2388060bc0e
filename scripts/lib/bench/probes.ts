// What the benchmark measures in SQL: the spec's own before/after queries (with EXPLAIN ANALYZE,
// BUFFERS) and the dashboard's three query shapes (summary, timeseries, cost breakdown) written
// against the raw tables and against the views, so the spec's three rows can be filled honestly.
// The app itself answers all three at once through dashboard_aggregate(); the bench times that too.
import type pg from 'pg';

export interface ExplainResult {
  execution_ms: number;
  planning_ms: number;
  shared_hit: number;
  shared_read: number;
}

export async function explain(client: pg.ClientBase, sql: string, values: unknown[]): Promise<ExplainResult> {
  const { rows } = await client.query(`explain (analyze, buffers, format json) ${sql}`, values);
  const plan = rows[0]['QUERY PLAN'][0];
  return {
    execution_ms: plan['Execution Time'],
    planning_ms: plan['Planning Time'],
    shared_hit: plan.Plan['Shared Hit Blocks'] ?? 0,
    shared_read: plan.Plan['Shared Read Blocks'] ?? 0,
  };
}

/** The spec's Testing section, verbatim but for the dates. */
export const SPEC_BEFORE = 'SELECT COUNT(*) FROM email_events WHERE event_ts >= $1 AND event_ts <= $2';
export const SPEC_AFTER = 'SELECT SUM(sends) FROM mv_daily_stats WHERE day >= $1 AND day <= $2';

// $5: the workspace's time zone; days are its local days (dashboard_day_start: a local day's first instant).
const RAW_RANGE = `workspace_id = $1 and ($4::text is null or campaign_name = $4)
  and event_ts >= public.dashboard_day_start($2::date, $5) and event_ts < public.dashboard_day_start($3::date + 1, $5)`;

// Distinct contacts of the scope from mv_daily_contacts: the campaign's rows, or the workspace's
// (campaign_name null). Two branches, as in dashboard_aggregate(), so an index serves each.
const MV_CONTACT_ROWS = `select day, previous_day, contacts from mv_daily_contacts
    where $4::text is null and workspace_id = $1 and campaign_name is null and day between $2 and $3
  union all
  select day, previous_day, contacts from mv_daily_contacts
    where $4::text is not null and workspace_id = $1 and campaign_name = $4 and day between $2 and $3`;

const RAW_COUNTS = `count(*) filter (where event_type = 'sent') as sends, count(*) filter (where event_type = 'opened') as opens,
  count(*) filter (where event_type = 'clicked') as clicks, count(*) filter (where event_type = 'replied') as replies,
  count(*) filter (where event_type = 'bounced') as bounces, count(*) filter (where event_type = 'opted_out') as opt_outs`;
const MV_SUMS = `sum(sends) as sends, sum(opens) as opens, sum(clicks) as clicks, sum(replies) as replies,
  sum(bounces) as bounces, sum(opt_outs) as opt_outs`;
const MV_RANGE = `workspace_id = $1 and ($4::text is null or campaign_name = $4) and day between $2 and $3`;

/** Each of the spec's three query rows on its own, against the raw tables and against the views. */
export const SHAPES = {
  summary: {
    raw: `select ${RAW_COUNTS}, count(distinct contact_email) as unique_contacts from email_events where ${RAW_RANGE}`,
    mv: `select s.*, (select sum(contacts) from (${MV_CONTACT_ROWS}) c where previous_day < $2) as unique_contacts
         from (select ${MV_SUMS} from mv_daily_stats where ${MV_RANGE}) s`,
  },
  timeseries: {
    raw: `select (event_ts at time zone $5)::date as day, ${RAW_COUNTS}, count(distinct contact_email) as unique_contacts
          from email_events where ${RAW_RANGE} group by 1 order by 1`,
    mv: `select s.day, s.sends, s.opens, s.clicks, s.replies, s.bounces, s.opt_outs, c.contacts as unique_contacts
         from (select day, ${MV_SUMS} from mv_daily_stats where ${MV_RANGE} group by day) s
         left join (select day, sum(contacts) as contacts from (${MV_CONTACT_ROWS}) r group by day) c using (day)
         order by s.day`,
  },
  cost_breakdown: {
    raw: `select provider, model, sum(cost_usd) as cost, sum(tokens_in) as tokens_in, sum(tokens_out) as tokens_out, count(*) as calls
          from llm_usage where workspace_id = $1 and ($4::text is null or campaign_name = $4)
            and created_at >= public.dashboard_day_start($2::date, $5) and created_at < public.dashboard_day_start($3::date + 1, $5)
          group by 1, 2 order by 3 desc`,
    mv: `select provider, model, sum(total_cost) as cost, sum(total_tokens_in) as tokens_in, sum(total_tokens_out) as tokens_out, sum(call_count) as calls
         from mv_llm_cost where ${MV_RANGE}
         group by 1, 2 order by 3 desc`,
  },
} as const;

export type ShapeName = keyof typeof SHAPES;
