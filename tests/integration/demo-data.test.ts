// The demo data generator: exact row counts, deterministic by seed, and data shaped like real
// outreach (funnels that follow sends, steps past 5, UTC history ending today, NULL-campaign usage).
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../scripts/lib/demo-data';
import { connect } from '../support/db';

let client: pg.Client;

// The generator writes into the shared test database; each case works inside a transaction that
// is rolled back, so other tests never see its rows.
async function seededRows(options: { events: number; seed: number; days: number }) {
  await client.query('begin');
  try {
    // The rows this call added are those with an id above the largest one before it.
    const before = await client.query('select coalesce(max(id), 0)::bigint as id from email_events');
    const result = await seedDemoData(client, options);
    const events = await client.query(
      `select md5(string_agg(concat_ws('|', workspace_id, campaign_name, contact_email, event_type, email_number, event_ts), ',' order by id)) as digest,
              count(*)::int as n from email_events where id > $1`, [before.rows[0].id]);
    return { result, digest: events.rows[0].digest as string, inserted: events.rows[0].n as number };
  } finally {
    await client.query('rollback');
  }
}

beforeAll(async () => {
  client = await connect();
});
afterAll(async () => {
  await client.end();
});

describe('seedDemoData', () => {
  it('writes exactly the requested number of events, and the same rows for the same seed', async () => {
    const first = await seededRows({ events: 3_000, seed: 11, days: 60 });
    const again = await seededRows({ events: 3_000, seed: 11, days: 60 });
    const other = await seededRows({ events: 3_000, seed: 12, days: 60 });
    expect(first.result.events).toBe(3_000);
    expect(first.inserted).toBe(3_000);
    expect(other.inserted).toBe(3_000);
    expect(first.digest).toBe(again.digest);
    expect(other.digest).not.toBe(first.digest);
  });

  it('produces realistic outreach data', async () => {
    await client.query('begin');
    try {
      await client.query('truncate email_events, llm_usage');
      const result = await seedDemoData(client, { events: 20_000, seed: 3, days: 180 });
      expect(result.llmCalls).toBeGreaterThan(0);
      const { rows: [shape] } = await client.query(`
        select count(distinct workspace_id)::int as workspaces,
               count(distinct (workspace_id, campaign_name))::int as campaigns,
               max(email_number)::int as max_step,
               (max(event_ts) <= now()) as nothing_in_future,
               (now()::date - min((event_ts at time zone 'UTC')::date)) as days_of_history,
               count(*) filter (where event_type = 'sent')::int as sends,
               count(*) filter (where event_type = 'opened')::int as opens,
               count(*) filter (where event_type = 'clicked')::int as clicks,
               count(*) filter (where event_type = 'replied')::int as replies,
               count(*) filter (where event_type = 'bounced')::int as bounces,
               count(*) filter (where event_type = 'opted_out')::int as opt_outs
        from email_events`);
      expect(shape.workspaces).toBeGreaterThanOrEqual(3);
      expect(shape.campaigns).toBeGreaterThanOrEqual(20);
      expect(shape.max_step).toBe(7);
      expect(shape.nothing_in_future).toBe(true);
      expect(shape.days_of_history).toBeGreaterThanOrEqual(170);
      // A funnel: fewer opens than sends, fewer clicks than opens, replies/bounces/opt-outs rarer still.
      expect(shape.opens).toBeLessThan(shape.sends);
      expect(shape.clicks).toBeLessThan(shape.opens);
      for (const rare of [shape.replies, shape.bounces, shape.opt_outs]) {
        expect(rare).toBeGreaterThan(0);
        expect(rare).toBeLessThan(shape.clicks);
      }
      // Every open, click and reply follows a send of the same contact, campaign and step.
      const { rows: [orphans] } = await client.query(`
        select count(*)::int as n from email_events e
        where e.event_type in ('opened', 'clicked', 'replied')
          and not exists (select 1 from email_events s where s.event_type = 'sent' and s.workspace_id = e.workspace_id
                            and s.campaign_name = e.campaign_name and s.contact_email = e.contact_email
                            and s.email_number = e.email_number and s.event_ts <= e.event_ts)`);
      expect(orphans.n).toBe(0);
      const { rows: [llm] } = await client.query(`
        select count(distinct provider)::int as providers, count(distinct model)::int as models,
               count(*) filter (where campaign_name is null)::int as without_campaign,
               bool_and(cost_usd > 0 and tokens_in > 0 and tokens_out > 0) as plausible
        from llm_usage`);
      expect(llm.providers).toBeGreaterThanOrEqual(3);
      expect(llm.models).toBeGreaterThanOrEqual(5);
      expect(llm.without_campaign).toBeGreaterThan(0);
      expect(llm.plausible).toBe(true);
    } finally {
      await client.query('rollback');
    }
  });
});
