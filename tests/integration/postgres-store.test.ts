// The direct-Postgres store against the real database: the dashboard reads' statement_timeout
// travels with the connection (no extra round trip), and a function that declares another limit
// gets it applied to its call (as PostgREST's hoisting does), on connections opened with that limit:
// still one round trip, no transaction around the call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore, durationMs, SESSION_STATEMENT_TIMEOUT_MS } from '../../lib/db/postgres';
import { connect, databaseUrl } from '../support/db';

const store = createPostgresStore({ connectionString: databaseUrl(), max: 1 });

beforeAll(async () => {
  const client = await connect();
  await client.query(`create or replace function public.test_slow_call() returns int language sql
    set statement_timeout = '100ms' as $$ select 1 from pg_sleep(1) $$`);
  // True when the call is its own statement, not one inside a transaction begun before it.
  await client.query(`create or replace function public.test_limited_call() returns boolean language sql
    set statement_timeout = '3s' as $$ select xact_start = query_start from pg_stat_activity where pid = pg_backend_pid() $$`);
  await client.end();
});
afterAll(async () => {
  const client = await connect();
  await client.query('drop function if exists public.test_slow_call(), public.test_limited_call()');
  await client.end();
  await store.close();
});

describe('postgres store', () => {
  it('reads Postgres durations in every unit a function may declare', () => {
    expect([durationMs('10s'), durationMs('15min'), durationMs('500ms'), durationMs('2000'), durationMs('1h')])
      .toEqual([10_000, 900_000, 500, 2_000, 3_600_000]);
    expect(durationMs('soon')).toBeNaN();
  });

  it('opens its connections with the dashboard reads\' statement_timeout', async () => {
    const { rows } = await store.pool.query('show statement_timeout');
    expect(durationMs(rows[0].statement_timeout)).toBe(SESSION_STATEMENT_TIMEOUT_MS);
  });

  it('applies a function\'s own, different statement_timeout to its call', async () => {
    // Under the session's 10 s the one-second call would succeed; its own 100 ms cancels it.
    await expect(store.callValue('test_slow_call')).rejects.toMatchObject({ message: 'The database took too long to answer.' });
  });

  it('makes such a call in one round trip: no transaction is begun for it', async () => {
    expect(await store.callValue('test_limited_call')).toBe(true);
    expect(await store.callValue('test_limited_call')).toBe(true);
  });
});
