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

const RAW_RANGE = `workspace_id = $1 and ($4::text is null or campaign_name = $4)
  and event_ts >= ($2::date::timestamp at time zone 'UTC') and event_ts < (($3::date + 1)::timestamp at time zone 'UTC')`;

export const SHAPES = {
  summary: {
    raw: `select count(*) filter (where event_type = 'sent') as sends, count(*) filter (where event_type = 'opened') as opens,
                 count(*) filter (where event_type = 'replied') as replies, count(distinct contact_email) as unique_contacts
          from email_events where ${RAW_RANGE}`,
    mv: `select (select sum(sends) from mv_daily_stats where workspace_id = $1 and ($4::text is null or campaign_name = $4) and day between $2 and $3) as sends,
                (select sum(opens) from mv_daily_stats where workspace_id = $1 and ($4::text is null or campaign_name = $4) and day between $2 and $3) as opens,
                (select sum(replies) from mv_daily_stats where workspace_id = $1 and ($4::text is null or campaign_name = $4) and day between $2 and $3) as replies,
                (select sum(contacts) from mv_daily_contacts where workspace_id = $1 and campaign_name is null and $4::text is null
                   and day between $2 and $3 and previous_day < $2) as unique_contacts`,
  },
  timeseries: {
    raw: `select (event_ts at time zone 'UTC')::date as day, count(*) filter (where event_type = 'sent') as sends,
                 count(*) filter (where event_type = 'opened') as opens, count(distinct contact_email) as unique_contacts
          from email_events where ${RAW_RANGE} group by 1 order by 1`,
    mv: `select s.day, sum(s.sends) as sends, sum(s.opens) as opens,
                (select sum(c.contacts) from mv_daily_contacts c where c.workspace_id = $1 and c.campaign_name is null and $4::text is null and c.day = s.day) as unique_contacts
         from mv_daily_stats s where s.workspace_id = $1 and ($4::text is null or s.campaign_name = $4) and s.day between $2 and $3
         group by s.day order by s.day`,
  },
  cost_breakdown: {
    raw: `select provider, model, sum(cost_usd) as cost, sum(tokens_in), sum(tokens_out), count(*)
          from llm_usage where workspace_id = $1 and ($4::text is null or campaign_name = $4)
            and created_at >= ($2::date::timestamp at time zone 'UTC') and created_at < (($3::date + 1)::timestamp at time zone 'UTC')
          group by 1, 2 order by 3 desc`,
    mv: `select provider, model, sum(total_cost) as cost, sum(total_tokens_in), sum(total_tokens_out), sum(call_count)
         from mv_llm_cost where workspace_id = $1 and ($4::text is null or campaign_name = $4) and day between $2 and $3
         group by 1, 2 order by 3 desc`,
  },
} as const;

export type ShapeName = keyof typeof SHAPES;
