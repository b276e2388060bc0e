// Property test of incremental view maintenance: random inserts at today (appended rows, added as
// deltas), back-fills months back, updates, deletes of a contact's every event, changes of a
// workspace's time zone and TRUNCATE, interleaved with incremental refreshes and with writers
// committing while a refresh runs. After every refresh each view must equal what a full rebuild
// computes from the raw rows (in each workspace's local days), and the dashboard API (mv, live, raw)
// must agree with the raw truth. The session TimeZone is none of the workspaces' zones.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as aggregate } from '../../app/api/dashboard/aggregate/route';
import type { DashboardResponse } from '../../lib/dashboard/response';
import { addDays, toDay } from '../../lib/dashboard/days';
import { connect, insertEvents, insertLlmUsage, refreshViewsNow, uniqueWorkspace, type EmailEventInput, type EventType } from '../support/db';
import { callRoute } from '../support/routes';

const TYPES: EventType[] = ['sent', 'sent', 'opened', 'clicked', 'replied', 'bounced', 'opted_out'];
const CAMPAIGNS = ['Alpha', "O'Brien", 'Café ☕', 'Beta_', ' padded '];
const TODAY = toDay(new Date());
const workspaces = [uniqueWorkspace('incr'), uniqueWorkspace('incr')];
const ZONES = ['Asia/Kathmandu', 'America/New_York', 'Pacific/Chatham', 'UTC', 'Asia/Kolkata'];

let seed = 90210;
function next(): number {
  seed = (seed * 1664525 + 1013904223) % 2 ** 32;
  return seed / 2 ** 32;
}
const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
const int = (below: number) => Math.floor(next() * below);

let client: pg.Client;

beforeAll(async () => {
  client = await connect({ timezone: 'America/Los_Angeles' });
  await client.query('insert into workspace_settings (workspace_id, time_zone) values ($1, $2), ($3, $4)',
    [workspaces[0], 'Asia/Kathmandu', workspaces[1], 'America/New_York']);
  await refreshViewsNow(client);
});
afterAll(async () => {
  await client.end();
});

/** A random event on the given day; a quarter of them on the first or last second of the UTC day. */
function event(day: string, overrides: Partial<EmailEventInput> = {}): EmailEventInput {
  const roll = next();
  const time = roll < 0.125 ? '00:00:00' : roll < 0.25 ? '23:59:59' : `${String(int(24)).padStart(2, '0')}:${String(int(60)).padStart(2, '0')}:00`;
  return {
    workspace_id: pick(workspaces), campaign_name: pick(CAMPAIGNS), contact_email: `c${int(40)}@example.com`,
    event_type: pick(TYPES), email_number: next() < 0.1 ? null : 1 + int(7), event_ts: `${day}T${time}Z`, ...overrides,
  };
}

const today = (n: number) => Array.from({ length: n }, () => event(TODAY));
const backfill = (n: number) => Array.from({ length: n }, () => event(addDays(TODAY, -(30 + int(150)))));

/**
 * Rows of each view (for our workspaces) that differ from a recomputation over the raw rows: what a
 * full rebuild would write. Empty when the incremental refresh got everything right.
 */
async function mismatches(db: pg.ClientBase): Promise<Record<string, number>> {
  const { rows } = await db.query(`
    with zones as (
      select w as workspace_id, coalesce((select time_zone from workspace_settings s where s.workspace_id = w), 'UTC') as zone
      from unnest($1::text[]) w
    ), events as (
      select e.*, (e.event_ts at time zone z.zone)::date as local_day from email_events e join zones z using (workspace_id)
    ), usage as (
      select u.*, (u.created_at at time zone z.zone)::date as local_day from llm_usage u join zones z using (workspace_id)
    ), later_truth as (
      select workspace_id, campaign_name, day, jsonb_object_agg(step::text, sends) as steps
      from (select workspace_id, campaign_name, local_day as day, email_number as step, count(*) as sends
            from events where event_type = 'sent' and email_number > 5 group by 1, 2, 3, 4) s
      group by 1, 2, 3
    ), counts_truth as (
      select workspace_id, campaign_name, local_day as day,
             count(*) filter (where event_type = 'sent') as sends, count(*) filter (where event_type = 'opened') as opens,
             count(*) filter (where event_type = 'clicked') as clicks, count(*) filter (where event_type = 'replied') as replies,
             count(*) filter (where event_type = 'bounced') as bounces, count(*) filter (where event_type = 'opted_out') as opt_outs,
             count(distinct contact_email) as unique_contacts,
             count(*) filter (where event_type = 'sent' and email_number = 1) as e1, count(*) filter (where event_type = 'sent' and email_number = 2) as e2,
             count(*) filter (where event_type = 'sent' and email_number = 3) as e3, count(*) filter (where event_type = 'sent' and email_number = 4) as e4,
             count(*) filter (where event_type = 'sent' and email_number = 5) as e5
      from events group by 1, 2, 3
    ), stats_truth as (
      select c.*, coalesce(l.steps, '{}') as later_steps
      from counts_truth c left join later_truth l using (workspace_id, campaign_name, day)
    ), stats_view as (select * from mv_daily_stats where workspace_id = any($1)),
    contact_days as (
      select workspace_id, campaign_name, contact_email, local_day as day
      from events group by 1, 2, 3, 4
    ), chains as (
      select workspace_id, campaign_name, day, lag(day) over (partition by workspace_id, campaign_name, contact_email order by day) as previous_day
      from contact_days
      union all
      select workspace_id, null, day, lag(day) over (partition by workspace_id, contact_email order by day)
      from (select distinct workspace_id, contact_email, day from contact_days) w
    ), contacts_truth as (
      select workspace_id, campaign_name, day, coalesce(previous_day, '-infinity') as previous_day, count(*) as contacts
      from chains group by 1, 2, 3, 4
    ), contacts_view as (select * from mv_daily_contacts where workspace_id = any($1)),
    cost_truth as (
      select workspace_id, campaign_name, provider, model, local_day as day,
             sum(cost_usd) as cost, sum(tokens_in) as tokens_in, sum(tokens_out) as tokens_out, count(*) as calls
      from usage group by 1, 2, 3, 4, 5
    ), cost_view as (select * from mv_llm_cost where workspace_id = any($1))
    select
      (select count(*) from stats_truth t full join stats_view v using (workspace_id, campaign_name, day)
       where row(t.sends, t.opens, t.clicks, t.replies, t.bounces, t.opt_outs, t.unique_contacts, t.e1, t.e2, t.e3, t.e4, t.e5, t.later_steps)
             is distinct from row(v.sends, v.opens, v.clicks, v.replies, v.bounces, v.opt_outs, v.unique_contacts,
                                  v.email_1_sends, v.email_2_sends, v.email_3_sends, v.email_4_sends, v.email_5_sends,
                                  v.later_step_sends))::int as mv_daily_stats,
      (select count(*) from contacts_truth t full join contacts_view v
         on v.workspace_id = t.workspace_id and v.campaign_name is not distinct from t.campaign_name
        and v.day = t.day and v.previous_day = t.previous_day
       where t.contacts is distinct from v.contacts)::int as mv_daily_contacts,
      (select count(*) from cost_truth t full join cost_view v
         on v.workspace_id = t.workspace_id and v.campaign_name is not distinct from t.campaign_name
        and v.provider = t.provider and v.model = t.model and v.day = t.day
       where row(t.cost, t.tokens_in, t.tokens_out, t.calls)
             is distinct from row(v.total_cost, v.total_tokens_in, v.total_tokens_out, v.call_count))::int as mv_llm_cost,
      -- The per-contact state: each chain link is the contact's previous active day in its scope.
      (select count(*) from (
         select previous_day, coalesce(lag(day) over (partition by workspace_id, campaign_key, contact_email order by day), '-infinity') as truth
         from dashboard_contact_days where workspace_id = any($1)) s where s.previous_day <> s.truth)::int as contact_state`,
  [workspaces]);
  return rows[0];
}

const CLEAN = { mv_daily_stats: 0, mv_daily_contacts: 0, mv_llm_cost: 0, contact_state: 0 };

async function dashboard(ws: string, from: string, to: string, campaign: string | null, source: 'mv' | 'raw' | 'live') {
  const query = new URLSearchParams({ workspace_id: ws, from, to, source });
  if (campaign !== null) query.set('campaign', campaign);
  const { status, body } = await callRoute<DashboardResponse>(aggregate, `/api/dashboard/aggregate?${query}`);
  expect(status).toBe(200);
  const { summary, timeseries, sequence, cost_breakdown } = body;
  return { summary, timeseries, sequence, cost_breakdown };
}

/** A few random (workspace, range, campaign) requests: source must answer like the raw tables. */
async function expectAnswersEqualRaw(source: 'mv' | 'live', label: string) {
  for (let i = 0; i < 4; i++) {
    const ws = pick(workspaces);
    const from = addDays(TODAY, -int(200));
    const to = next() < 0.5 ? TODAY : addDays(from, int(60));
    const campaign = next() < 0.4 ? pick(CAMPAIGNS) : null;
    const range = from <= to ? [from, to] : [to, from];
    expect(await dashboard(ws, range[0]!, range[1]!, campaign, source), `${label}: ${source} ${ws} ${range} ${campaign}`)
      .toEqual(await dashboard(ws, range[0]!, range[1]!, campaign, 'raw'));
  }
}

describe('incremental refresh_dashboard_views()', () => {
  it('after any sequence of writes, every view equals a full rebuild and the API equals the raw truth', async () => {
    await insertEvents(client, [...today(200), ...backfill(300)]);
    await insertLlmUsage(client, Array.from({ length: 40 }, () => ({
      workspace_id: pick(workspaces), campaign_name: next() < 0.3 ? null : pick(CAMPAIGNS),
      provider: pick(['openai', 'anthropic']), cost_usd: (int(1_000_000) / 1e6).toFixed(6),
      created_at: `${addDays(TODAY, -int(100))}T${String(int(24)).padStart(2, '0')}:10:00Z`,
    })));
    await refreshViewsNow(client);
    expect(await mismatches(client)).toEqual(CLEAN);

    const operations: Array<[string, () => Promise<unknown>]> = [
      ['insert at today', () => insertEvents(client, today(1 + int(60)))],
      ['back-fill months back', () => insertEvents(client, backfill(1 + int(40)))],
      // CASE, not (array[...])[1 + id % 4]: an array subscript over a column in UPDATE ... SET crashes the
      // Citus 13.2.2 coordinator (signal 11), and this test also runs on Citus (npm run test:citus).
      ['update event_type', () => client.query(
        `update email_events set event_type = case id % 4 when 0 then 'sent' when 1 then 'opened' when 2 then 'clicked' else 'replied' end
         where id in (select id from email_events where workspace_id = any($1) order by random() limit 15)`, [workspaces])],
      // Days counted in UTC: Citus refuses "timestamptz - interval" over a column in an UPDATE (a
      // STABLE operator: it follows the session TimeZone), so the arithmetic is on UTC timestamps.
      ['move events to another day', () => client.query(
        `update email_events set event_ts = ((event_ts at time zone 'UTC') - make_interval(days => 1 + (id % 90)::int)) at time zone 'UTC'
         where id in (select id from email_events where workspace_id = any($1) order by random() limit 10)`, [workspaces])],
      ['rename a campaign on some events', () => client.query(
        `update email_events set campaign_name = $2
         where id in (select id from email_events where workspace_id = any($1) order by random() limit 10)`, [workspaces, pick(CAMPAIGNS)])],
      ['erase one contact', () => client.query(
        `delete from email_events where workspace_id = $1 and contact_email = $2`, [pick(workspaces), `c${int(40)}@example.com`])],
      ['change a workspace\'s time zone', () => client.query(
        `insert into workspace_settings (workspace_id, time_zone) values ($1, $2)
         on conflict (workspace_id) do update set time_zone = excluded.time_zone`, [pick(workspaces), pick(ZONES)])],
      ['LLM usage added and removed', async () => {
        await insertLlmUsage(client, [{ workspace_id: pick(workspaces), created_at: `${addDays(TODAY, -int(60))}T12:00:00Z`, cost_usd: '0.5' }]);
        await client.query(`delete from llm_usage where id in (select id from llm_usage where workspace_id = any($1) order by random() limit 2)`, [workspaces]);
      }],
    ];
    for (let round = 0; round < 20; round++) {
      const done: string[] = [];
      for (let step = 0; step < 1 + int(3); step++) {
        const [name, run] = pick(operations);
        await run();
        done.push(name);
      }
      // Before the refresh, live already answers like the raw tables.
      await expectAnswersEqualRaw('live', `round ${round} before refresh (${done.join(', ')})`);
      // Every other round unwinds row by row whatever the size of the change (the workspaces here are
      // small, so the default share would rebuild them often): both paths are exercised.
      await client.query(`select set_config('dashboard.rebuild_share', $1, false)`, [round % 2 === 0 ? '1000' : '']);
      const result = await refreshViewsNow(client);
      expect(result.status).toBe('refreshed');
      expect(await mismatches(client), `round ${round}: ${done.join(', ')}`).toEqual(CLEAN);
      await expectAnswersEqualRaw('mv', `round ${round} after refresh`);
    }

    await client.query(`select set_config('dashboard.rebuild_share', '', false)`);
    // A full rebuild finds nothing to change: incremental maintenance wrote exactly what it would.
    const rebuilt = (await client.query('select public.refresh_dashboard_views(true) as r')).rows[0].r;
    expect(rebuilt.status).toBe('refreshed');
    expect(rebuilt.views.map((v: { rows_changed: number }) => v.rows_changed)).toEqual([0, 0, 0]);
    expect(await mismatches(client)).toEqual(CLEAN);
  });

  it('a writer committing while a refresh runs leaves its changes for the next refresh: nothing counted twice or lost', async () => {
    const ws = workspaces[0]!;
    await refreshViewsNow(client);
    // Noon UTC today: today in the workspace's zone too (every zone of the test is within ±14 h).
    const noon = `${TODAY}T12:00:00Z`;
    const day = (await client.query(`select (($1::timestamptz) at time zone coalesce((select time_zone from workspace_settings where workspace_id = $2), 'UTC'))::date::text as d`,
      [noon, ws])).rows[0].d as string;
    await insertEvents(client, [event(TODAY, { workspace_id: ws, contact_email: 'before@example.com', campaign_name: 'Alpha', event_type: 'sent', event_ts: noon })]);
    const refresher = await connect();
    const writer = await connect();
    try {
      await refresher.query('begin');
      const { rows } = await refresher.query('select public.refresh_dashboard_views() as r');
      expect(rows[0].r.status).toBe('refreshed');
      // The refresh has read its snapshot and rewritten the views, but not committed: a writer
      // commits now, into the same bucket.
      await insertEvents(writer, [event(TODAY, { workspace_id: ws, contact_email: 'during@example.com', campaign_name: 'Alpha', event_type: 'sent', event_ts: noon })]);
      await refresher.query('commit');
    } finally {
      await refresher.end();
      await writer.end();
    }
    const pending = await client.query(`select count(*)::int as n from dashboard_appends where workspace_id = $1`, [ws]);
    expect(pending.rows[0].n).toBe(1);
    const contacts = async () => (await client.query(
      `select unique_contacts::int as n from mv_daily_stats where workspace_id = $1 and campaign_name = 'Alpha' and day = $2`, [ws, day])).rows[0].n;
    const truth = async () => (await client.query(
      `select count(distinct contact_email)::int as n from email_events where workspace_id = $1 and campaign_name = 'Alpha'
         and (event_ts at time zone coalesce((select time_zone from workspace_settings where workspace_id = $1), 'UTC'))::date = $2`, [ws, day])).rows[0].n;
    expect(await contacts()).toBe(await truth() - 1);
    await refreshViewsNow(client);
    expect(await contacts()).toBe(await truth());
    expect(await mismatches(client)).toEqual(CLEAN);
  });

  it('TRUNCATE empties every view on the next refresh, and new rows after it count alone', async () => {
    await refreshViewsNow(client);
    // In a transaction that is rolled back, so the other tests' rows in this shared database stay.
    await client.query('begin');
    try {
      await client.query('truncate email_events, llm_usage');
      const afterTruncate = await client.query(`select public.refresh_dashboard_views() as r`);
      expect(afterTruncate.rows[0].r.status).toBe('refreshed');
      const left = await client.query(`select (select count(*) from mv_daily_stats)::int as stats, (select count(*) from mv_daily_contacts)::int as contacts,
        (select count(*) from mv_llm_cost)::int as cost, (select count(*) from dashboard_contact_days)::int as state`);
      expect(left.rows[0]).toEqual({ stats: 0, contacts: 0, cost: 0, state: 0 });
      await insertEvents(client, today(30));
      await client.query(`select public.refresh_dashboard_views()`);
      expect(await mismatches(client)).toEqual(CLEAN);
    } finally {
      await client.query('rollback');
    }
  });
});

describe('the property test can fail', () => {
  it('catches a deliberately broken delta (later steps added without the bucket\'s own)', async () => {
    await refreshViewsNow(client);
    const ws = workspaces[0] as string;
    const day = addDays(TODAY, -40);
    // Noon UTC: the same local day in every zone of the test.
    const at = { workspace_id: ws, event_type: 'sent' as const, email_number: 6, campaign_name: 'Alpha', event_ts: `${day}T12:00:00Z` };
    await insertEvents(client, [event(day, at)]);
    await refreshViewsNow(client);
    expect(await mismatches(client)).toEqual(CLEAN);
    await client.query('begin');
    try {
      // Sabotage: a delta's later steps replace the bucket's instead of adding to them.
      await client.query(`create or replace function public.dashboard_add_steps(p_left jsonb, p_right jsonb) returns jsonb
        language sql immutable set search_path = '' as $$ select p_right $$`);
      await insertEvents(client, [event(day, at)]);
      await client.query('select public.refresh_dashboard_views()');
      expect((await mismatches(client)).mv_daily_stats).toBeGreaterThan(0);
    } finally {
      await client.query('rollback');
    }
    expect(await mismatches(client)).toEqual(CLEAN);
  });
});
