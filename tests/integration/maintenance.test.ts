// Maintenance that never stands in the readers' way, takes the cheap path for big changes, and cannot
// be hijacked: readers during a full rebuild, a producer's open TRUNCATE, a TRUNCATE under REPEATABLE
// READ, a mass delete, the pg_temp trigger attack on the SECURITY DEFINER refresh, and the smaller
// edges (ETags after a TRUNCATE, stray rows, ±infinity, inheritance children).
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as aggregate } from '../../app/api/dashboard/aggregate/route';
import { addDays, toDay } from '../../lib/dashboard/days';
import type { DashboardResponse } from '../../lib/dashboard/response';
import { seedDemoData } from '../../scripts/lib/demo-data';
import { connect, insertEvents, refreshViewsNow, uniqueWorkspace } from '../support/db';
import { callRoute } from '../support/routes';

const TODAY = toDay(new Date());
let client: pg.Client;

beforeAll(async () => {
  client = await connect({ timezone: 'Asia/Kolkata' });
});
afterAll(async () => {
  await client.end();
});

async function answer(workspace: string, source: 'mv' | 'live' | 'raw', headers: Record<string, string> = {}) {
  const query = new URLSearchParams({ workspace_id: workspace, from: addDays(TODAY, -60), to: TODAY, source });
  return callRoute<DashboardResponse>(aggregate, `/api/dashboard/aggregate?${query}`, { headers });
}
const figures = (body: DashboardResponse) => JSON.stringify([body.summary, body.timeseries, body.sequence, body.cost_breakdown]);

/** The backend running a statement like `pattern`, once it is running (or waiting). */
async function backendOf(pattern: string): Promise<number> {
  let pid = 0;
  await vi.waitFor(async () => {
    const { rows } = await client.query(`select pid from pg_stat_activity where state = 'active' and query like $1 and pid <> pg_backend_pid()`, [pattern]);
    expect(rows.length).toBeGreaterThan(0);
    pid = rows[0].pid;
  }, { timeout: 20_000, interval: 10 });
  return pid;
}

describe('readers never wait for maintenance', () => {
  it('answer source=mv during a full rebuild at 100k events with the previous numbers, never waiting for it', async () => {
    const prefix = `${uniqueWorkspace('rebuild')}-`;
    await seedDemoData(client, { events: 100_000, seed: 7, days: 120, workspacePrefix: prefix });
    await refreshViewsNow(client);
    const workspace = `${prefix}acme`;
    const before = await answer(workspace, 'mv');
    expect(before.body.summary.sends).toBeGreaterThan(1000);
    const read = async () => {
      const { status, body } = await answer(workspace, 'mv');
      expect(status).toBe(200);
      expect(figures(body)).toBe(figures(before.body));
    };

    const rebuilder = await connect();
    try {
      const rebuild = rebuilder.query('select public.refresh_dashboard_views(true)');
      rebuild.catch(() => {});
      const pid = await backendOf('%refresh_dashboard_views(true)%');
      // Readers while the rebuild is still running (its backend active): answered, with the old
      // numbers. A reader that waited for the rebuild would only be answered after it. (How fast they
      // are meanwhile is the bench's to measure, not a test's.)
      let answeredDuring = 0;
      for (let i = 0; i < 15; i++) {
        await read();
        const { rows } = await client.query('select count(*)::int as n from pg_stat_activity where pid = $1 and state = $2', [pid, 'active']);
        if (rows[0].n === 0) break;
        answeredDuring += 1;
      }
      await rebuild;
      expect(answeredDuring).toBeGreaterThan(2);
    } finally {
      await rebuilder.end();
    }
    // And the rebuild changed nothing: the views were right.
    expect(figures((await answer(workspace, 'mv')).body)).toBe(figures(before.body));
  });

  it("answer source=mv while a producer's TRUNCATE of a raw table is open (not committed)", async () => {
    const workspace = uniqueWorkspace('open-truncate');
    await insertEvents(client, [{ workspace_id: workspace, event_ts: `${TODAY}T06:00:00Z` }]);
    await refreshViewsNow(client);
    const producer = await connect();
    try {
      await producer.query('begin');
      await producer.query('truncate public.llm_usage');
      const started = Date.now();
      const { status, body } = await answer(workspace, 'mv');
      expect(status).toBe(200);
      expect(body.summary.sends).toBe(1);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await producer.query('rollback');
      await producer.end();
    }
  });
});

describe('every write path is tracked', () => {
  it('COPY, INSERT … ON CONFLICT DO UPDATE and MERGE reach the views at the next refresh (mv = raw)', async () => {
    const workspace = uniqueWorkspace('write-paths');
    await insertEvents(client, [0, 1, 2, 3].map((i) => ({
      workspace_id: workspace, contact_email: `c${i}@x.io`, event_ts: `${addDays(TODAY, -i)}T08:00:00Z`,
    })));
    await refreshViewsNow(client);
    const ids = (await client.query('select id from public.email_events where workspace_id = $1 order by id', [workspace])).rows.map((r) => String(r.id));
    // ON CONFLICT DO UPDATE: an existing row moved to another day and type (an update), a new row (an insert).
    await client.query(`insert into public.email_events (id, workspace_id, campaign_name, contact_email, event_type, email_number, event_ts)
      overriding system value values ($2, $1, 'Campaign A', 'c0@x.io', 'replied', 1, $3)
      on conflict (workspace_id, id) do update set event_type = excluded.event_type, event_ts = excluded.event_ts`,
    [workspace, ids[0], `${addDays(TODAY, -5)}T08:00:00Z`]);
    await client.query(`insert into public.email_events (workspace_id, campaign_name, contact_email, event_type, email_number, event_ts)
      values ($1, 'Campaign A', 'c9@x.io', 'sent', 2, $2) on conflict (workspace_id, id) do nothing`, [workspace, `${TODAY}T09:00:00Z`]);
    // MERGE (PostgreSQL 15+): one row updated, one deleted, one inserted, in one statement. Citus
    // refuses a MERGE into a distributed table that inserts (the identity's nextval is not immutable).
    const onCitus = (await client.query(`select exists (select 1 from pg_extension where extname = 'citus') as c`)).rows[0].c;
    if (!onCitus && Number((await client.query('show server_version_num')).rows[0].server_version_num) >= 150000) {
      await client.query(`merge into public.email_events t
        using (values ($2::bigint, 'update'), ($3::bigint, 'delete'), (-1::bigint, 'insert')) s(id, action)
        on t.workspace_id = $1 and t.id = s.id
        when matched and s.action = 'delete' then delete
        when matched then update set event_type = 'clicked'
        when not matched then insert (workspace_id, campaign_name, contact_email, event_type, email_number, event_ts)
          values ($1, 'Campaign B', 'c10@x.io', 'opened', 1, $4)`,
      [workspace, ids[1], ids[2], `${addDays(TODAY, -1)}T10:00:00Z`]);
    }
    // COPY FROM: where the role may run a program on the server (a superuser, as in the embedded test
    // database); COPY FROM STDIN fires the same statement triggers.
    const mayCopy = (await client.query(`select rolsuper or pg_has_role(current_user, 'pg_execute_server_program', 'member') as ok
      from pg_roles where rolname = current_user`)).rows[0].ok;
    if (mayCopy) {
      await client.query(`copy public.email_events (workspace_id, campaign_name, contact_email, event_type, email_number, event_ts)
        from program $$printf '%s\\tCampaign A\\tc11@x.io\\tbounced\\t1\\t%s\\n' ${workspace} ${TODAY}T11:00:00Z$$`);
    }
    const before = (await client.query('select count(*)::int as n from public.email_events where workspace_id = $1', [workspace])).rows[0].n;
    expect(before).toBe(5 + (mayCopy ? 1 : 0));
    const result = (await client.query('select public.refresh_dashboard_views() as r')).rows[0].r;
    expect(result.status).toBe('refreshed');
    expect(figures((await answer(workspace, 'mv')).body)).toBe(figures((await answer(workspace, 'raw')).body));
  });
});

describe('big changes take the cheap path', () => {
  it('a mass delete rebuilds the workspace instead of unwinding it row by row, and says so', async () => {
    const workspace = uniqueWorkspace('mass-delete');
    const rows = Array.from({ length: 400 }, (_, i) => ({
      workspace_id: workspace, contact_email: `c${i % 90}@x.io`, event_ts: `${addDays(TODAY, -(i % 60))}T08:00:00Z`,
    }));
    await insertEvents(client, rows);
    await refreshViewsNow(client);
    await client.query(`delete from email_events where workspace_id = $1 and event_ts < $2`, [workspace, `${addDays(TODAY, -20)}T00:00:00Z`]);
    const result = (await client.query('select public.refresh_dashboard_views() as r')).rows[0].r;
    expect(result).toMatchObject({ status: 'refreshed', full: false, reason: null });
    expect(result.rebuilt_because['large change']).toBeGreaterThanOrEqual(1);
    const { body } = await answer(workspace, 'mv');
    expect(figures(body)).toBe(figures((await answer(workspace, 'raw')).body));
  });

  it('appends are added as deltas up to about the size of the workspace, and rebuild it past that', async () => {
    const workspace = uniqueWorkspace('appends-share');
    const batch = (n: number, from: number) => Array.from({ length: n }, (_, i) => ({
      workspace_id: workspace, contact_email: `c${from + i}@x.io`, event_ts: `${addDays(TODAY, -((from + i) % 20))}T09:00:00Z`,
    }));
    await insertEvents(client, batch(200, 0));
    await refreshViewsNow(client);
    await insertEvents(client, batch(100, 200));
    const half = (await client.query('select public.refresh_dashboard_views() as r')).rows[0].r;
    expect(half).toMatchObject({ status: 'refreshed', rebuilt_workspaces: 0, appended_rows: 100 });
    await insertEvents(client, batch(400, 300));
    const most = (await client.query('select public.refresh_dashboard_views() as r')).rows[0].r;
    expect(most.rebuilt_because).toEqual({ 'large change': 1 });
    expect(figures((await answer(workspace, 'mv')).body)).toBe(figures((await answer(workspace, 'raw')).body));
  });
});

describe('the refresh cannot be hijacked', () => {
  it('a temporary table with a trigger, made beforehand by the caller (service_role), never runs as the owner', async () => {
    const workspace = uniqueWorkspace('pg-temp');
    await client.query('begin');
    try {
      await insertEvents(client, [{ workspace_id: workspace, event_ts: `${TODAY}T06:00:00Z` }]);
      await client.query('set local role service_role');
      await client.query('create temporary table evidence (who text)');
      await client.query(`create function pg_temp.record_who() returns trigger language plpgsql as $$
        begin insert into pg_temp.evidence values (current_user); return null; end $$`);
      // Every name the refresh uses for its own temporary tables, pre-empted.
      for (const name of ['dashboard_plan', 'dashboard_dirty', 'dashboard_staged_email', 'dashboard_staged_contacts', 'dashboard_contact_changes']) {
        await client.query(`create temporary table ${name} (workspace_id text, source_table text, day date)`);
        await client.query(`create trigger record_who after insert on pg_temp.${name} for each statement execute function pg_temp.record_who()`);
      }
      const { rows } = await client.query('select public.refresh_dashboard_views() as r');
      expect(rows[0].r.status).toBe('refreshed');
      expect((await client.query('select who from pg_temp.evidence')).rows).toEqual([]);
    } finally {
      await client.query('rollback');
    }
  });

  it('every SECURITY DEFINER function pins its search_path; only the refresh steps use pg_temp, after making their tables afresh', async () => {
    const { rows } = await client.query<{ name: string; config: string[] | null; body: string }>(`
      select p.proname as name, p.proconfig as config, p.prosrc as body
      from pg_proc p where p.pronamespace = 'public'::regnamespace and p.prosecdef`);
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) {
      expect(row.config ?? [], row.name).toContain('search_path=""');
      expect(row.body, row.name).not.toMatch(/create\s+temporary\s+table\s+if\s+not\s+exists/i);
    }
    const usingTemp = rows.filter((row) => /pg_temp\./.test(row.body)).map((row) => row.name).sort();
    expect(usingTemp).toEqual(['dashboard_merge_buckets', 'dashboard_refresh_capture', 'dashboard_refresh_contacts', 'dashboard_refresh_daily_stats',
      'dashboard_refresh_llm_cost', 'dashboard_refresh_plan', 'dashboard_refresh_tables', 'dashboard_refresh_workspaces', 'refresh_dashboard_views']);
  });
});

describe('the smaller edges', () => {
  it('a TRUNCATE under REPEATABLE READ, whose snapshot predates the last refresh, leaves no bucket behind', async () => {
    const workspace = uniqueWorkspace('rr-truncate');
    const old = await connect();
    try {
      await old.query('begin isolation level repeatable read');
      await old.query('select count(*) from public.mv_daily_stats');   // the snapshot is taken here
      await insertEvents(client, [{ workspace_id: workspace, event_ts: `${TODAY}T06:00:00Z` }]);
      await refreshViewsNow(client);
      await old.query('truncate public.email_events');
      await old.query('commit');
    } finally {
      await old.end();
    }
    const { body: live } = await answer(workspace, 'live');
    expect(live.summary.sends).toBe(0);
    const result = await refreshViewsNow(client);
    expect(result).toMatchObject({ status: 'refreshed' });
    const left = await client.query('select count(*)::int as n from mv_daily_stats where workspace_id = $1', [workspace]);
    expect(left.rows[0].n).toBe(0);
    const everywhere = await client.query(`select (select count(*) from mv_daily_stats)::int + (select count(*) from mv_daily_contacts)::int
      + (select count(*) from dashboard_contact_days)::int as n`);
    expect(everywhere.rows[0].n).toBe(0);
  });

  it('the live ETag moves after a TRUNCATE of a workspace whose data were all pending', async () => {
    const workspace = uniqueWorkspace('etag-truncate');
    await insertEvents(client, [{ workspace_id: workspace, event_ts: `${TODAY}T06:00:00Z` }]);
    const first = await answer(workspace, 'live');
    expect(first.body.summary.sends).toBe(1);
    const etag = first.headers.get('etag') ?? '';
    expect((await answer(workspace, 'live', { 'if-none-match': etag })).status).toBe(304);
    await client.query('truncate public.email_events');
    const after = await answer(workspace, 'live', { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.body.summary.sends).toBe(0);
    await refreshViewsNow(client);
  });

  it('a full rebuild removes rows of workspaces that have no events (stray rows)', async () => {
    const stray = uniqueWorkspace('stray');
    await client.query(`insert into mv_daily_contacts (workspace_id, campaign_name, day, previous_day, contacts) values ($1, null, $2, '-infinity', 3)`, [stray, TODAY]);
    await client.query(`insert into mv_daily_stats (workspace_id, campaign_name, day, sends, opens, clicks, replies, bounces, opt_outs, unique_contacts,
      email_1_sends, email_2_sends, email_3_sends, email_4_sends, email_5_sends) values ($1, 'x', $2, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0)`, [stray, TODAY]);
    await client.query(`insert into dashboard_contact_days values ($1, '', 'a@x', $2, '-infinity')`, [stray, TODAY]);
    await client.query('select public.refresh_dashboard_views(true)');
    const left = await client.query(`select (select count(*) from mv_daily_contacts where workspace_id = $1)::int
      + (select count(*) from mv_daily_stats where workspace_id = $1)::int + (select count(*) from dashboard_contact_days where workspace_id = $1)::int as n`, [stray]);
    expect(left.rows[0].n).toBe(0);
  });

  it('events at ±infinity are refused on both raw tables (they belong to no day), naming the constraint', async () => {
    const workspace = uniqueWorkspace('infinity');
    await expect(insertEvents(client, [{ workspace_id: workspace, event_ts: 'infinity' }])).rejects.toThrow(/email_events_event_ts_finite/);
    await expect(insertEvents(client, [{ workspace_id: workspace, event_ts: '-infinity' }])).rejects.toThrow(/email_events_event_ts_finite/);
    await expect(client.query(`insert into llm_usage (workspace_id, provider, model, created_at) values ($1, 'p', 'm', 'infinity')`, [workspace]))
      .rejects.toThrow(/llm_usage_created_at_finite/);
  });

  it('writes into a table inheriting from a raw table are refused (the change tracking would not see them)', async () => {
    await client.query('begin');
    try {
      const citus = (await client.query(`select exists (select 1 from pg_extension where extname = 'citus') as citus`)).rows[0].citus;
      if (citus) {
        // Citus refuses the child table itself: a distributed table has no local children.
        await expect(client.query('create table email_events_archive () inherits (public.email_events)'))
          .rejects.toThrow(/cannot inherit distributed tables/);
        return;
      }
      await client.query('create table email_events_archive () inherits (public.email_events)');
      await expect(client.query(`insert into email_events_archive (id, workspace_id, campaign_name, contact_email, event_type, event_ts)
        values (1, 'w', 'c', 'a@x', 'sent', now())`)).rejects.toThrow(/email_events_written_directly/);
    } finally {
      await client.query('rollback');
    }
  });
});
