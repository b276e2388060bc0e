// On a Citus coordinator the migrations distribute every raw and maintained table by workspace_id,
// co-located, and replicate the two small shared tables: proven from Citus's own catalog after data
// was loaded and refreshed through the coordinator.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, insertEvents, insertLlmUsage, refreshViewsNow, uniqueWorkspace } from '../support/db';

const DISTRIBUTED = ['email_events', 'llm_usage', 'daily_stats', 'mv_daily_stats', 'mv_daily_contacts', 'mv_llm_cost',
  'dashboard_contact_days', 'dashboard_change_log', 'workspace_members', 'alert_channels', 'alert_rules', 'alert_outbox'];
const REFERENCE = ['dashboard_views', 'dashboard_view_refreshes'];

let client: pg.Client;
const workspaces = Array.from({ length: 8 }, () => uniqueWorkspace('citus'));

beforeAll(async () => {
  client = await connect();
  for (const [i, ws] of workspaces.entries()) {
    await insertEvents(client, [
      { workspace_id: ws, contact_email: `a${i}@x.io`, event_ts: '2025-10-01T10:00:00Z' },
      { workspace_id: ws, contact_email: `b${i}@x.io`, event_type: 'opened', event_ts: '2025-10-02T23:59:59Z' },
    ]);
    await insertLlmUsage(client, [{ workspace_id: ws, created_at: '2025-10-01T12:00:00Z' }]);
  }
  await refreshViewsNow(client);
});
afterAll(async () => {
  await client.end();
});

describe('Citus distribution', () => {
  it('pg_dist_partition lists every raw and maintained table, hash-distributed by workspace_id, all co-located', async () => {
    const { rows } = await client.query(`
      select logicalrelid::regclass::text as relation, partmethod, column_to_column_name(logicalrelid, partkey) as column,
             colocationid
      from pg_dist_partition
      where logicalrelid::regclass::text = any($1)`, [DISTRIBUTED]);
    expect(rows.map((row) => row.relation).sort()).toEqual([...DISTRIBUTED].sort());
    for (const row of rows) {
      expect(row.partmethod, row.relation).toBe('h');
      expect(row.column, row.relation).toBe('workspace_id');
    }
    expect(new Set(rows.map((row) => row.colocationid)).size).toBe(1);
  });

  it('the small shared tables are reference tables (a copy on every node)', async () => {
    const { rows } = await client.query(`
      select logicalrelid::regclass::text as relation, partmethod, repmodel from pg_dist_partition
      where logicalrelid::regclass::text = any($1) order by 1`, [REFERENCE]);
    expect(rows.sort((a, b) => a.relation.localeCompare(b.relation))).toEqual([...REFERENCE].sort().map((relation) => ({ relation, partmethod: 'n', repmodel: 't' })));
  });

  it('no table in public is left local to the coordinator', async () => {
    const { rows } = await client.query(`
      select c.relname from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
        and not exists (select 1 from pg_dist_partition p where p.logicalrelid = c.oid)`);
    expect(rows.map((row) => row.relname)).toEqual([]);
  });

  it('the rows loaded through the coordinator live in shards on the workers, one workspace in one shard group', async () => {
    // Data-bearing shards sit on the workers, not on the coordinator.
    const { rows } = await client.query(`
      select s.table_name::text as relation, bool_and(s.nodeport <> inet_server_port()) as on_workers
      from citus_shards s
      where s.table_name::text = any($1) and s.shard_size > 0 and s.citus_table_type = 'distributed'
      group by 1 order by 1`, [['email_events', 'mv_daily_stats']]);
    expect(rows).toEqual([{ relation: 'email_events', on_workers: true }, { relation: 'mv_daily_stats', on_workers: true }]);
    // A workspace's raw rows, views, contact state and change log share one node.
    const placements = await client.query(`
      select w as workspace_id,
             (select nodeport from citus_shards s
              where s.shardid = get_shard_id_for_distribution_column('public.email_events', w)) as events_node,
             (select nodeport from citus_shards s
              where s.shardid = get_shard_id_for_distribution_column('public.mv_daily_contacts', w)) as contacts_node,
             (select nodeport from citus_shards s
              where s.shardid = get_shard_id_for_distribution_column('public.dashboard_change_log', w)) as log_node
      from unnest($1::text[]) w`, [workspaces]);
    for (const row of placements.rows) {
      expect(row.contacts_node, row.workspace_id).toBe(row.events_node);
      expect(row.log_node, row.workspace_id).toBe(row.events_node);
    }
    const { rows: counted } = await client.query(
      `select count(*)::int as n from mv_daily_stats where workspace_id = any($1)`, [workspaces]);
    expect(counted[0].n).toBe(workspaces.length * 2);
  });

  it('a one-workspace read of the views is routed to a single shard', async () => {
    const { rows } = await client.query(
      `explain (costs off) select sum(sends) from mv_daily_stats where workspace_id = $1 and day between '2025-10-01' and '2025-10-31'`,
      [workspaces[0]]);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Task Count: 1\b/);
  });
});
