// The benchmark of alert evaluation right after a refresh: N rules (1,000 by default) spread over the
// seeded workspaces, a mix of LLM budgets (per day and per month, some per campaign or provider) and
// deliverability rates (24h and 7d windows, some per campaign), evaluated by alerts_evaluate() as the
// cron does. The first evaluation changes states and writes the outbox (rules crossing their
// thresholds); the following ones are the steady state of every tick. Nothing is delivered: the
// channels point at a closed port and are removed, with the rules and their outbox, at the end.
import type pg from 'pg';
import { createPostgresStore } from '../../../lib/db/postgres';
import { evaluateAlerts } from '../../../lib/alerts/evaluate';
import { summarize, timeIt, type Timing } from './stats';

export interface AlertsBench {
  rules: number;
  workspaces: number;
  /** The first evaluation after the rules were made: states change, notifications are written. */
  first_ms: number;
  fired_first: number;
  /** The evaluations after it: what a tick costs with nothing new to say. */
  steady: Timing;
  per_rule_ms: number;
}

const BENCH_KEY_PREFIX = 'bench-alerts';

/** Makes the rules in one statement: each workspace gets its share, cycling through the metrics. */
const MAKE_RULES = `
  with ws as (
    select workspace_id, row_number() over (order by workspace_id) - 1 as i, count(*) over () as n,
           (select array_agg(distinct campaign_name) from public.mv_daily_stats s where s.workspace_id = w.workspace_id) as campaigns
    from (select distinct workspace_id from public.mv_daily_stats where starts_with(workspace_id, $2)) w
  ), channels as (
    insert into public.alert_channels (workspace_id, kind, name, url, secret)
    select workspace_id, 'webhook', $3, 'http://127.0.0.1:9/bench', 'whsec_YmVuY2htYXJrLXNpZ25pbmctc2VjcmV0'
    from ws returning workspace_id, id
  )
  insert into public.alert_rules (workspace_id, metric, direction, threshold, window_days, period, min_sends, campaign_name, provider, channel_id)
  select ws.workspace_id, m.metric, case when m.metric = 'reply_rate' then 'below' else 'above' end,
         case m.metric when 'llm_cost' then (g % 7) * 0.05 when 'reply_rate' then (array[0.5, 0.02])[1 + g % 2] else (g % 9) * 0.005 end,
         case when m.metric <> 'llm_cost' then (array[1, 7])[1 + g % 2] end,
         case when m.metric = 'llm_cost' then (array['day', 'month'])[1 + g % 2] end,
         (g % 4) * 10,
         case when g % 3 = 0 then ws.campaigns[1 + (g / 3) % greatest(cardinality(ws.campaigns), 1)] end,
         case when m.metric = 'llm_cost' and g % 5 = 0 then (array['openai', 'anthropic', 'google', 'mistral'])[1 + g % 4] end,
         c.id
  from generate_series(0, $1::int - 1) g
  join ws on ws.i = g % ws.n
  join channels c on c.workspace_id = ws.workspace_id
  cross join lateral (select (array['llm_cost', 'bounce_rate', 'opt_out_rate', 'reply_rate'])[1 + (g / greatest(ws.n, 1))::int % 4] as metric) m`;

export async function alertsSection(url: string, client: pg.ClientBase, options: { rules?: number; runs?: number; prefix?: string; step?: () => void } = {}): Promise<AlertsBench> {
  const rules = options.rules ?? 1_000;
  const runs = options.runs ?? 10;
  const name = `${BENCH_KEY_PREFIX}-${process.pid}`;
  const store = createPostgresStore({ connectionString: url, max: 1 });
  try {
    // "After a refresh": the views are current when the tick evaluates.
    await client.query('select public.refresh_dashboard_views()');
    await client.query(MAKE_RULES, [rules, options.prefix ?? '', name]);
    const made = (await client.query(`select count(*)::int as n, count(distinct r.workspace_id)::int as w from public.alert_rules r
      join public.alert_channels c on c.workspace_id = r.workspace_id and c.id = r.channel_id where c.name = $1`, [name])).rows[0] as { n: number; w: number };
    let fired = 0;
    const first = await timeIt(async () => {
      const result = await evaluateAlerts(store);
      if (result.status === 'evaluated') fired = result.fired;
    });
    options.step?.();
    const steady: number[] = [];
    for (let i = 0; i < runs; i++) {
      steady.push(await timeIt(() => evaluateAlerts(store)));
      options.step?.();
    }
    const timing = summarize(steady);
    return { rules: made.n, workspaces: made.w, first_ms: Math.round(first * 100) / 100, fired_first: fired, steady: timing,
      per_rule_ms: Math.round((timing.median / Math.max(made.n, 1)) * 1000) / 1000 };
  } finally {
    await client.query(`delete from public.alert_rules r using public.alert_channels c
      where c.workspace_id = r.workspace_id and c.id = r.channel_id and c.name = $1`, [name]);
    await client.query('delete from public.alert_channels where name = $1', [name]);
    await store.close();
  }
}

export function alertsLine(a: AlertsBench, ms: (v: number) => string): string {
  return `Alert evaluation after a refresh, ${a.rules.toLocaleString('en-US')} rules in ${a.workspaces} workspaces: first ${ms(a.first_ms)} `
    + `(${a.fired_first} fired, notifications written), then ${ms(a.steady.median)} median of ${a.steady.n} (p95 ${ms(a.steady.p95)}; ${a.per_rule_ms} ms a rule)`;
}
