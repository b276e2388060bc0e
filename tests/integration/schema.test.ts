// The database layer of the spec: source tables, materialized views, refresh and freshness
// functions, and who may reach them. Runs against the real Postgres of the test run.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { applyMigrations } from '../../scripts/lib/migrate';
import { connect, databaseUrl, insertEvents, insertLlmUsage, refreshViewsNow, uniqueWorkspace } from '../support/db';

let client: pg.Client;
beforeAll(async () => {
  client = await connect({ timezone: 'America/Los_Angeles' });
});
afterAll(async () => {
  await client.end();
});

async function columns(relation: string): Promise<string[]> {
  const { rows } = await client.query(
    `select attname from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped order by attnum`,
    [`public.${relation}`],
  );
  return rows.map((row) => row.attname);
}

describe('migrations', () => {
  it('apply on an empty database and are a no-op when applied again', async () => {
    await expect(applyMigrations(databaseUrl())).resolves.toMatch(/up to date/i);
    const { rows } = await client.query('select version from supabase_migrations.schema_migrations order by version');
    expect(rows.map((row) => row.version)).toEqual(['20251201000000', '20251207000001', '20251207000002', ...rows.slice(3).map((r) => r.version)]);
  });

  it('create the source tables with the contract columns', async () => {
    expect(await columns('email_events')).toEqual(
      ['id', 'workspace_id', 'campaign_name', 'contact_email', 'event_type', 'email_number', 'event_ts', 'metadata']);
    expect(await columns('llm_usage')).toEqual(
      ['id', 'workspace_id', 'campaign_name', 'provider', 'model', 'tokens_in', 'tokens_out', 'cost_usd', 'purpose', 'created_at']);
    expect(await columns('daily_stats')).toContain('day');
  });

  it('create at least ten performance indexes, each with a comment', async () => {
    const { rows } = await client.query(`
      select c.relname, obj_description(c.oid, 'pg_class') as comment
      from pg_index i join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
      where t.relname in ('email_events', 'llm_usage', 'daily_stats') and not i.indisprimary and not i.indisunique`);
    expect(rows.length).toBeGreaterThanOrEqual(10);
    for (const row of rows) expect(row.comment, row.relname).toBeTruthy();
  });

  it('reject an event type outside the contract vocabulary', async () => {
    await expect(insertEvents(client, [{ workspace_id: uniqueWorkspace(), event_type: 'delivered' as never, event_ts: '2025-11-01T00:00:00Z' }]))
      .rejects.toThrow(/check constraint/);
  });
});

describe('the dashboard views', () => {
  it('have the spec columns', async () => {
    expect(await columns('mv_daily_stats')).toEqual([
      'workspace_id', 'campaign_name', 'day', 'sends', 'opens', 'clicks', 'replies', 'bounces', 'opt_outs',
      'unique_contacts', 'email_1_sends', 'email_2_sends', 'email_3_sends', 'email_4_sends', 'email_5_sends', 'later_step_sends']);
    // The contract's columns, then campaign_key (campaign_name as a non-null key, generated).
    expect(await columns('mv_llm_cost')).toEqual([
      'workspace_id', 'campaign_name', 'provider', 'model', 'day', 'total_cost', 'total_tokens_in', 'total_tokens_out', 'call_count',
      'campaign_key']);
  });

  it('are tables maintained by the refresh, each keyed by a primary key that leads with workspace_id, and say so', async () => {
    const { rows } = await client.query(`
      select c.relname as view, c.relkind, obj_description(c.oid, 'pg_class') as comment, pg_get_constraintdef(k.oid) as key
      from pg_class c left join pg_constraint k on k.conrelid = c.oid and k.contype = 'p'
      where c.relnamespace = 'public'::regnamespace and c.relname in ('mv_daily_stats', 'mv_llm_cost', 'mv_daily_contacts')
      order by c.relname`);
    expect(rows.map((row) => row.view)).toEqual(['mv_daily_contacts', 'mv_daily_stats', 'mv_llm_cost']);
    for (const row of rows) {
      expect(row.relkind, row.view).toBe('r');
      expect(row.key, row.view).toMatch(/^PRIMARY KEY \(workspace_id, /);
      expect(row.comment, row.view).toMatch(/maintained incrementally by refresh_dashboard_views/i);
    }
    // Whole-workspace rows have a real key (campaign_key ''), so a refresh can match them with "=".
    expect(await columns('mv_daily_contacts')).toEqual(['workspace_id', 'campaign_name', 'day', 'previous_day', 'contacts', 'campaign_key']);
  });

  it('every key of every table the migrations create leads with workspace_id, ready to be distributed by it', async () => {
    const { rows } = await client.query(`
      select c.relname, pg_get_constraintdef(k.oid) as key
      from pg_constraint k join pg_class c on c.oid = k.conrelid
      where c.relnamespace = 'public'::regnamespace and k.contype in ('p', 'u')
        and c.relname in ('mv_daily_stats', 'mv_llm_cost', 'mv_daily_contacts', 'dashboard_contact_days', 'dashboard_change_log',
                          'alert_channels', 'alert_rules', 'alert_outbox')`);
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const row of rows) expect(row.key, row.relname).toMatch(/\(workspace_id, /);
  });

  it('after a refresh, every view row equals a COUNT/SUM over the raw tables, days in UTC whatever the session TimeZone', async () => {
    const ws = uniqueWorkspace();
    await insertEvents(client, [
      // The last second of a UTC day and the first of the next: two different days.
      { workspace_id: ws, contact_email: 'a@x.io', event_type: 'sent', email_number: 1, event_ts: '2025-11-03T23:59:59Z' },
      { workspace_id: ws, contact_email: 'a@x.io', event_type: 'opened', email_number: 1, event_ts: '2025-11-04T00:00:00Z' },
      { workspace_id: ws, contact_email: 'b@x.io', event_type: 'sent', email_number: 6, event_ts: '2025-11-04T10:00:00Z' },
      { workspace_id: ws, contact_email: 'c@x.io', event_type: 'sent', email_number: 7, event_ts: '2025-11-04T11:00:00Z' },
      { workspace_id: ws, contact_email: 'b@x.io', event_type: 'replied', email_number: 6, event_ts: '2025-11-04T12:00:00Z' },
      { workspace_id: ws, contact_email: 'b@x.io', event_type: 'bounced', email_number: null, event_ts: '2025-11-04T12:00:00Z' },
      { workspace_id: ws, contact_email: 'c@x.io', event_type: 'clicked', email_number: 7, event_ts: '2025-11-04T13:00:00+05:00' },
      { workspace_id: ws, contact_email: 'c@x.io', event_type: 'opted_out', email_number: 7, event_ts: '2025-11-04T23:30:00-08:00' },
      { workspace_id: ws, campaign_name: "O'Brien % _x", contact_email: 'a@x.io', event_type: 'sent', email_number: 5, event_ts: '2025-11-04T09:00:00Z' },
    ]);
    await insertLlmUsage(client, [
      { workspace_id: ws, campaign_name: null, provider: 'openai', cost_usd: '0.100001', tokens_in: 10, tokens_out: 1, created_at: '2025-11-03T23:59:59Z' },
      { workspace_id: ws, campaign_name: null, provider: 'openai', cost_usd: '0.2', tokens_in: 20, tokens_out: 2, created_at: '2025-11-03T08:00:00Z' },
      { workspace_id: ws, campaign_name: 'Campaign A', provider: 'anthropic', model: 'claude', cost_usd: '1.5', created_at: '2025-11-04T00:00:00Z' },
    ]);
    await refreshViewsNow(client);

    const daily = await client.query(
      `select campaign_name, day::text, sends, opens, clicks, replies, bounces, opt_outs, unique_contacts,
              email_1_sends, email_2_sends, email_3_sends, email_4_sends, email_5_sends
       from mv_daily_stats where workspace_id = $1 order by campaign_name, day`, [ws]);
    const expectedDaily = await client.query(
      `select campaign_name, ((event_ts at time zone 'UTC')::date)::text as day,
              count(*) filter (where event_type = 'sent') as sends, count(*) filter (where event_type = 'opened') as opens,
              count(*) filter (where event_type = 'clicked') as clicks, count(*) filter (where event_type = 'replied') as replies,
              count(*) filter (where event_type = 'bounced') as bounces, count(*) filter (where event_type = 'opted_out') as opt_outs,
              count(distinct contact_email) as unique_contacts,
              ${[1, 2, 3, 4, 5].map((n) => `count(*) filter (where event_type = 'sent' and email_number = ${n}) as email_${n}_sends`).join(', ')}
       from email_events where workspace_id = $1 group by 1, 2 order by 1, 2`, [ws]);
    expect(daily.rows).toEqual(expectedDaily.rows);
    // And the figures we know by hand: 23:59:59Z stays on the 3rd; the -08:00 opt-out is on the 5th UTC.
    const byDay = Object.fromEntries(daily.rows.filter((r) => r.campaign_name === 'Campaign A').map((r) => [r.day, r]));
    expect(Object.keys(byDay)).toEqual(['2025-11-03', '2025-11-04', '2025-11-05']);
    expect(byDay['2025-11-03']).toMatchObject({ sends: '1', email_1_sends: '1', unique_contacts: '1' });
    expect(byDay['2025-11-04']).toMatchObject({ sends: '2', opens: '1', clicks: '1', replies: '1', bounces: '1', unique_contacts: '3',
      email_1_sends: '0', email_5_sends: '0' });
    expect(byDay['2025-11-05']).toMatchObject({ opt_outs: '1', sends: '0' });

    const cost = await client.query(
      `select campaign_name, provider, model, day::text, total_cost::text, total_tokens_in, total_tokens_out, call_count
       from mv_llm_cost where workspace_id = $1 order by campaign_name nulls first, provider, day`, [ws]);
    expect(cost.rows).toEqual([
      { campaign_name: null, provider: 'openai', model: 'gpt-4o-mini', day: '2025-11-03', total_cost: '0.300001', total_tokens_in: '30', total_tokens_out: '3', call_count: '2' },
      { campaign_name: 'Campaign A', provider: 'anthropic', model: 'claude', day: '2025-11-04', total_cost: '1.500000', total_tokens_in: '100', total_tokens_out: '20', call_count: '1' },
    ]);
  });

  it('mv_daily_contacts gives the exact distinct contacts of any range, per campaign and per workspace', async () => {
    const ws = uniqueWorkspace();
    const days = ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-05', '2025-10-08'];
    const contacts = ['p@x', 'q@x', 'r@x', 's@x'];
    const events = [];
    for (const [i, day] of days.entries()) {
      for (const [j, contact] of contacts.entries()) {
        if ((i + j) % 3 === 0) continue;
        events.push({ workspace_id: ws, campaign_name: j % 2 ? 'Odd' : 'Even', contact_email: contact, event_ts: `${day}T12:00:00Z` });
        if ((i * j) % 4 === 1) events.push({ workspace_id: ws, campaign_name: 'Odd', contact_email: contact, event_ts: `${day}T13:00:00Z` });
      }
    }
    await insertEvents(client, events);
    await refreshViewsNow(client);
    for (const campaign of [null, 'Odd', 'Even']) {
      for (const [from, to] of [['2025-10-01', '2025-10-08'], ['2025-10-02', '2025-10-03'], ['2025-10-04', '2025-10-05'], ['2025-10-03', '2025-10-08'], ['2025-10-06', '2025-10-07']]) {
        const fromView = await client.query(
          `select coalesce(sum(contacts), 0)::int as n from mv_daily_contacts
           where workspace_id = $1 and campaign_name is not distinct from $2 and day between $3 and $4
             and previous_day < $3`, [ws, campaign, from, to]);
        const exact = await client.query(
          `select count(distinct contact_email)::int as n from email_events
           where workspace_id = $1 and ($2::text is null or campaign_name = $2)
             and (event_ts at time zone 'UTC')::date between $3 and $4`, [ws, campaign, from, to]);
        expect(fromView.rows[0].n, `${campaign} ${from}..${to}`).toBe(exact.rows[0].n);
      }
    }
  });
});

describe('refresh_dashboard_views()', () => {
  it('refreshes every view and logs, per view, what it did and the moment its data is current as of', async () => {
    const ws = uniqueWorkspace('logged');
    await refreshViewsNow(client);
    const lastId = (await client.query('select max(id) as id from dashboard_view_refreshes')).rows[0].id;
    await insertEvents(client, [
      { workspace_id: ws, event_ts: '2025-09-03T10:00:00Z' }, { workspace_id: ws, event_ts: '2025-09-04T10:00:00Z' }]);
    const before = (await client.query('select clock_timestamp() as at')).rows[0].at as Date;
    const result = await refreshViewsNow(client);
    expect(result.views.map((v) => v.view_name)).toEqual(['mv_daily_stats', 'mv_daily_contacts', 'mv_llm_cost']);
    const { rows } = await client.query(
      'select view_name, buckets, rows_changed, full_rebuild, current_as_of, started_at, finished_at, duration_ms from dashboard_view_refreshes where id > $1 order by id', [lastId]);
    expect(rows.map((r) => r.view_name)).toEqual(['mv_daily_stats', 'mv_daily_contacts', 'mv_llm_cost']);
    // Two days of one workspace were written: two buckets for the email views, none for LLM cost.
    expect(rows.map((r) => r.buckets)).toEqual([2, 2, 0]);
    expect(rows.map((r) => Number(r.rows_changed))).toEqual([2, 4, 0]);
    for (const row of rows) {
      expect(row.full_rebuild).toBe(false);
      // Current as of a moment after the write committed and before the refresh finished.
      expect(row.current_as_of.getTime()).toBeGreaterThanOrEqual(before.getTime());
      expect(row.current_as_of.getTime()).toBeLessThanOrEqual(row.finished_at.getTime());
      expect(Number(row.duration_ms)).toBe(result.views.find((v) => v.view_name === row.view_name)?.duration_ms);
    }
  });

  it('returns "skipped" at once while another refresh holds the lock, instead of queueing', async () => {
    const holder = await connect();
    try {
      await holder.query('begin');
      const first = await holder.query('select public.refresh_dashboard_views() as r');
      expect(first.rows[0].r.status).toBe('refreshed');
      // The holder's transaction is still open: its advisory lock is held.
      const started = Date.now();
      const second = await client.query('select public.refresh_dashboard_views() as r');
      expect(second.rows[0].r).toMatchObject({ status: 'skipped' });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
  });

  it('is all or nothing: a refresh that fails after updating mv_daily_stats leaves every view, the change logs and freshness as they were', async () => {
    const ws = uniqueWorkspace();
    await insertEvents(client, [{ workspace_id: ws, event_ts: '2025-09-01T10:00:00Z' }]);
    await refreshViewsNow(client);
    const before = await client.query('select * from get_view_freshness()');
    await insertEvents(client, [{ workspace_id: ws, event_ts: '2025-09-01T11:00:00Z' }]);
    const pending = await client.query('select count(*)::int as n from dashboard_appends where workspace_id = $1', [ws]);
    expect(pending.rows[0].n).toBe(1);
    // The contacts step waits for this lock, after mv_daily_stats has been rewritten in the refresh's
    // transaction; it is cancelled there, as a statement timeout would.
    const blocker = await connect();
    const refresher = await connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table public.dashboard_contact_days in access exclusive mode');
      const refresh = refresher.query('select public.refresh_dashboard_views()');
      // It will fail when cancelled below; handled now, so the rejection is never 'unhandled' in between.
      refresh.catch(() => {});
      let pid: number | undefined;
      await vi.waitFor(async () => {
        const { rows } = await client.query(
          `select pid from pg_stat_activity where wait_event_type = 'Lock' and query like '%refresh_dashboard_views%'`);
        expect(rows).toHaveLength(1);
        pid = rows[0].pid;
      }, { timeout: 20_000, interval: 20 });
      // Midway: it holds mv_daily_stats (written) and waits for the contact state.
      const held = await client.query(
        `select count(*)::int as n from pg_locks where pid = $1 and relation = 'public.mv_daily_stats'::regclass and mode = 'RowExclusiveLock'`, [pid]);
      expect(held.rows[0].n).toBe(1);
      await client.query('select pg_cancel_backend($1::integer)', [pid]);
      await expect(refresh).rejects.toThrow(/cancel/);
    } finally {
      await blocker.query('rollback');
      await blocker.end();
      await refresher.end();
    }
    const sends = await client.query('select sum(sends)::int as n from mv_daily_stats where workspace_id = $1', [ws]);
    expect(sends.rows[0].n).toBe(1);
    const still = await client.query('select count(*)::int as n from dashboard_appends where workspace_id = $1', [ws]);
    expect(still.rows[0].n).toBe(1);
    const after = await client.query('select * from get_view_freshness()');
    expect(after.rows.map((r) => r.last_refreshed)).toEqual(before.rows.map((r) => r.last_refreshed));
    // The next refresh does what the failed one could not.
    await refreshViewsNow(client);
    const done = await client.query('select sum(sends)::int as n from mv_daily_stats where workspace_id = $1', [ws]);
    expect(done.rows[0].n).toBe(2);
  });

  it('with nothing written since the last refresh rewrites no view row, and still moves freshness', async () => {
    await refreshViewsNow(client);
    const stats = async () => (await client.query(`
      select sum(n_tup_ins + n_tup_upd + n_tup_del)::int as n from pg_stat_xact_user_tables
      where relname in ('mv_daily_stats', 'mv_daily_contacts', 'mv_llm_cost', 'dashboard_contact_days')`)).rows[0].n ?? 0;
    await client.query('begin');
    try {
      const before = await stats();
      const { rows } = await client.query('select public.refresh_dashboard_views() as r');
      expect(rows[0].r).toMatchObject({ status: 'refreshed', buckets: 0, rows_changed: 0 });
      expect(await stats()).toBe(before);
      const freshness = await client.query('select max(age_seconds) as age from get_view_freshness()');
      expect(freshness.rows[0].age).toBe(0);
    } finally {
      await client.query('rollback');
    }
  });
});

describe('get_view_freshness()', () => {
  it('returns view_name, last_refreshed, age_seconds (the spec\'s columns) and pending_buckets for each view', async () => {
    const { rows, fields } = await client.query('select * from get_view_freshness()');
    expect(fields.map((f) => f.name)).toEqual(['view_name', 'last_refreshed', 'age_seconds', 'pending_buckets']);
    expect(rows.map((r) => r.view_name)).toEqual(['mv_daily_stats', 'mv_daily_contacts', 'mv_llm_cost']);
    const types = await client.query(`select pg_get_function_result('public.get_view_freshness()'::regprocedure) as t`);
    expect(types.rows[0].t).toBe('TABLE(view_name text, last_refreshed timestamp with time zone, age_seconds integer, pending_buckets integer)');
  });

  it('counts the (workspace, day) buckets written since the last refresh, per view', async () => {
    await refreshViewsNow(client);
    const ws = uniqueWorkspace('pending');
    await insertEvents(client, [
      { workspace_id: ws, event_ts: '2025-09-05T10:00:00Z' }, { workspace_id: ws, event_ts: '2025-09-05T11:00:00Z' },
      { workspace_id: ws, event_ts: '2025-09-06T10:00:00Z' }]);
    await insertLlmUsage(client, [{ workspace_id: ws, created_at: '2025-09-05T10:00:00Z' }]);
    const { rows } = await client.query('select view_name, pending_buckets from get_view_freshness()');
    expect(rows).toEqual([
      { view_name: 'mv_daily_stats', pending_buckets: 2 }, { view_name: 'mv_daily_contacts', pending_buckets: 2 },
      { view_name: 'mv_llm_cost', pending_buckets: 1 }]);
    await refreshViewsNow(client);
    const after = await client.query('select sum(pending_buckets)::int as n from get_view_freshness()');
    expect(after.rows[0].n).toBe(0);
  });

  it('reports null, not 0 seconds, for a view never refreshed', async () => {
    await client.query('begin');
    try {
      await client.query(`delete from dashboard_view_refreshes where view_name = 'mv_llm_cost'`);
      const { rows } = await client.query(`select * from get_view_freshness() where view_name = 'mv_llm_cost'`);
      expect(rows[0]).toMatchObject({ last_refreshed: null, age_seconds: null });
    } finally {
      await client.query('rollback');
    }
  });

  it('ages move: a refresh resets them, and they grow as the last refresh gets older', async () => {
    await refreshViewsNow(client);
    const fresh = await client.query('select * from get_view_freshness()');
    for (const row of fresh.rows) expect(row.age_seconds).toBeLessThan(60);
    await client.query('begin');
    try {
      await client.query(`update dashboard_view_refreshes set current_as_of = (current_as_of at time zone 'UTC' - interval '1 hour') at time zone 'UTC'`);
      const older = await client.query('select * from get_view_freshness()');
      for (const [i, row] of older.rows.entries()) expect(row.age_seconds).toBe(fresh.rows[i].age_seconds + 3600);
    } finally {
      await client.query('rollback');
    }
  });
});

describe('security', () => {
  const forbidden = [
    'select * from public.email_events limit 1',
    'select * from public.llm_usage limit 1',
    'select * from public.daily_stats limit 1',
    'select * from public.mv_daily_stats limit 1',
    'select * from public.mv_daily_contacts limit 1',
    'select * from public.mv_llm_cost limit 1',
    'select * from public.dashboard_view_refreshes limit 1',
    'select public.refresh_dashboard_views()',
    'select public.refresh_dashboard_views(true)',
    'select * from public.get_view_freshness()',
    'select * from public.dashboard_change_log limit 1',
    'select * from public.dashboard_contact_days limit 1',
    `select public.dashboard_aggregate('acme', '2025-01-01', '2025-01-31', null, 'live')`,
    'select public.dashboard_workspaces()',
    'insert into public.email_events (workspace_id, campaign_name, contact_email, event_type, event_ts) values (\'w\', \'c\', \'e\', \'sent\', now())',
    'select * from public.alert_rules limit 1',
    'select * from public.alert_channels limit 1',
    'select * from public.alert_outbox limit 1',
    `select public.alerts_list('acme')`,
    `select public.alerts_list_for_member(gen_random_uuid(), 'acme')`,
    `select public.alerts_change_for_member(gen_random_uuid(), 'acme', 'channel_add', null, '{}')`,
    'select public.alerts_evaluate()',
    'select public.alerts_claim_deliveries(10, 30)',
  ];
  for (const role of ['anon', 'authenticated']) {
    it(`${role} holds no privilege on any table, view, sequence or function in public, although Supabase's default privileges grant them all`, async () => {
      // The test database grants like a Supabase project (tests/support/global-setup.ts): prove it,
      // so that this test fails when a migration forgets a revoke.
      const defaults = await client.query(
        `select count(*)::int as n from pg_default_acl d where d.defaclnamespace = 'public'::regnamespace
           and exists (select 1 from aclexplode(d.defaclacl) a where a.grantee = $1::regrole)`, [role]);
      expect(defaults.rows[0].n).toBe(3);
      const relations = await client.query(`
        select c.relname, c.relkind from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
          and case when c.relkind = 'S' then has_sequence_privilege($1, c.oid, 'USAGE, SELECT, UPDATE')
                   else has_table_privilege($1, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') end`, [role]);
      expect(relations.rows).toEqual([]);
      const functions = await client.query(`
        select p.oid::regprocedure::text as function from pg_proc p
        where p.pronamespace = 'public'::regnamespace and has_function_privilege($1, p.oid, 'EXECUTE')`, [role]);
      expect(functions.rows).toEqual([]);
      // And the checks above are not vacuous: there is something to deny.
      const counted = await client.query(`select (select count(*) from pg_proc where pronamespace = 'public'::regnamespace)::int as functions,
        (select count(*) from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'S'))::int as relations`);
      expect(counted.rows[0].functions).toBeGreaterThanOrEqual(10);
      expect(counted.rows[0].relations).toBeGreaterThanOrEqual(10);
    });

    it(`${role} gets a permission error on every table, view and function`, async () => {
      for (const sql of forbidden) {
        await client.query('begin');
        try {
          await client.query(`set local role ${role}`);
          await expect(client.query(sql), sql).rejects.toMatchObject({ code: '42501' });
        } finally {
          await client.query('rollback');
        }
      }
    });
  }

  // What Supabase's database linter checks: RLS on every table, a pinned search_path on every
  // function (security definer above all), no view that runs as its owner.
  it('passes the linter\'s checks: RLS on every table, search_path pinned on every function, no security definer view', async () => {
    const noRls = await client.query(`select relname from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'p') and not relrowsecurity`);
    expect(noRls.rows).toEqual([]);
    const unpinned = await client.query(`
      select p.oid::regprocedure::text as function from pg_proc p
      where p.pronamespace = 'public'::regnamespace and p.prokind = 'f'
        and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%')
        and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')`);
    expect(unpinned.rows).toEqual([]);
    const views = await client.query(`select relname from pg_class where relnamespace = 'public'::regnamespace and relkind = 'v'
      and not exists (select 1 from pg_depend d where d.objid = pg_class.oid and d.deptype = 'e')
      and not coalesce('security_invoker=true' = any(reloptions), false)`);
    expect(views.rows).toEqual([]);
    const uncommented = await client.query(`select p.oid::regprocedure::text as function from pg_proc p
      where p.pronamespace = 'public'::regnamespace and p.proname like 'alert%' and obj_description(p.oid, 'pg_proc') is null`);
    expect(uncommented.rows).toEqual([]);
  });

  it('service_role can read the views and run both functions', async () => {
    await client.query('begin');
    try {
      await client.query('set local role service_role');
      await client.query('select * from public.mv_daily_stats limit 1');
      await client.query('select * from public.get_view_freshness()');
      const { rows } = await client.query('select public.refresh_dashboard_views() as r');
      expect(['refreshed', 'skipped']).toContain(rows[0].r.status);
    } finally {
      await client.query('rollback');
    }
  });
});
