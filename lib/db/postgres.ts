// Direct-Postgres transport (embedded dev database, DATABASE_URL, tests): one pooled connection per
// call, the SQL function does all the work.
import pg from 'pg';
import { assertFunctionName, StoreUnavailableError, type DatabaseStore, type FunctionArgs } from './store';

// bigint (count) and numeric come back as strings by default; the SQL functions return jsonb, so
// only set-returning calls see them, and those columns are small integers or timestamps.
export interface PostgresStoreOptions {
  connectionString: string;
  max?: number;
}

export function createPostgresStore(options: PostgresStoreOptions): DatabaseStore & { close: () => Promise<void>; pool: pg.Pool } {
  // One pool per statement_timeout, each limit sent with its connections' start-up packet (no round
  // trip): the dashboard reads' 10 s here, a function that declares another limit (the answer's basis
  // 2 s, the workspace list 5 s, the refresh 15 min) gets a pool of its own, opened on first use. Its
  // call is then one round trip instead of four (begin, set_config, the call, commit), the same limit.
  const pools = new Map<number, pg.Pool>();
  function poolFor(timeoutMs: number): pg.Pool {
    let pool = pools.get(timeoutMs);
    if (!pool) {
      pool = new pg.Pool({
        connectionString: options.connectionString,
        // The reads' pool holds most connections; a pool of another limit only serves short or rare
        // calls (the basis: about a millisecond each), so a process opens at most 10 + 3 per limit used.
        max: timeoutMs === SESSION_STATEMENT_TIMEOUT_MS ? (options.max ?? 10) : Math.min(options.max ?? 10, 3),
        connectionTimeoutMillis: 5_000,
        idleTimeoutMillis: 30_000,
        application_name: 'campaign-dashboard',
        statement_timeout: timeoutMs,
      });
      // An idle client that loses its server must not crash the process; the next call reports it.
      pool.on('error', () => {});
      pools.set(timeoutMs, pool);
    }
    return pool;
  }
  const pool = poolFor(SESSION_STATEMENT_TIMEOUT_MS);

  // Like PostgREST's db-hoisted-tx-settings: a function's own `SET statement_timeout` cannot lift or
  // lower a timeout already running for the calling statement, so the call runs under it from the
  // start: on the pool of that limit, or (a value we cannot read as a duration) in a transaction
  // that sets it first.
  const limits = new Map<string, Limit>();
  async function limitOf(name: string): Promise<Limit> {
    const known = limits.get(name);
    if (known) return known;
    const result = await pool.query<{ setting: string }>(
      `select unnest(p.proconfig) as setting from pg_catalog.pg_proc p
       where p.pronamespace = 'public'::regnamespace and p.proname = $1`, [name]);
    const declared = result.rows
      .map((row) => row.setting.split('=') as [string, string])
      .find(([key]) => key === 'statement_timeout')?.[1];
    const ms = declared === undefined ? SESSION_STATEMENT_TIMEOUT_MS : durationMs(declared);
    const limit: Limit = Number.isFinite(ms) ? { poolMs: ms } : { poolMs: SESSION_STATEMENT_TIMEOUT_MS, hoist: declared };
    limits.set(name, limit);
    return limit;
  }

  async function run(name: string, sql: string, values: unknown[]) {
    try {
      const limit = await limitOf(name);
      const chosen = poolFor(limit.poolMs);
      if (limit.hoist === undefined) return await chosen.query(sql, values);
      const client = await chosen.connect();
      try {
        await client.query('begin');
        await client.query('select set_config($1, $2, true)', ['statement_timeout', limit.hoist]);
        const result = await client.query(sql, values);
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    } catch (error) {
      throw toUnavailable(name, error);
    }
  }

  return {
    kind: 'postgres',
    pool,
    async callValue(name, args = {}) {
      const { text, values } = callSql(name, args);
      const result = await run(name, `select public.${text} as value`, values);
      return result.rows[0]?.value ?? null;
    },
    async callRows(name, args = {}) {
      const { text, values } = callSql(name, args);
      const result = await run(name, `select * from public.${text}`, values);
      return result.rows;
    },
    close: async () => {
      await Promise.all([...pools.values()].map((p) => p.end()));
    },
  };
}

/** Where a function's call runs: the pool of its statement_timeout, and the raw setting when it must be set in the transaction. */
interface Limit { poolMs: number; hoist?: string }

/** Every call's limit unless its function sets another (the refresh sets minutes). */
export const SESSION_STATEMENT_TIMEOUT_MS = 10_000;

/** A Postgres duration setting ('10s', '15min', '500ms', '2000') in milliseconds; NaN if unknown. */
export function durationMs(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|h|d)?\s*$/.exec(value);
  if (!match) return Number.NaN;
  const unit = { ms: 1, s: 1_000, min: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms'] ?? Number.NaN;
  return Number(match[1]) * unit;
}

function callSql(name: string, args: FunctionArgs): { text: string; values: unknown[] } {
  assertFunctionName(name);
  const entries = Object.entries(args);
  entries.forEach(([key]) => assertFunctionName(key));
  const list = entries.map(([key], i) => `${key} => $${i + 1}`).join(', ');
  return { text: `${name}(${list})`, values: entries.map(([, value]) => value) };
}

function toUnavailable(name: string, error: unknown): StoreUnavailableError {
  const pgError = error as { code?: string; message?: string };
  const code = pgError.code;
  const message =
    code === '57014' ? 'The database took too long to answer.'
    : code === '42883' || code === '42P01' ? 'The database schema is not up to date (run the migrations).'
    : code === '42501' ? 'The database refused access.'
    : 'The database is unavailable.';
  return new StoreUnavailableError(message, { function: name, code, cause: pgError.message ?? String(error) });
}
