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
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'campaign-dashboard',
    // Sent with the connection's start-up packet (no round trip): the limit of the dashboard's reads,
    // so the hot path needs no per-call hoisting below.
    statement_timeout: SESSION_STATEMENT_TIMEOUT_MS,
  });
  // An idle client that loses its server must not crash the process; the next call reports it.
  pool.on('error', () => {});

  // Like PostgREST's db-hoisted-tx-settings: a function's own `SET statement_timeout` cannot lift
  // a timeout already running for the calling statement, so it is applied to the transaction first.
  const hoisted = new Map<string, Array<[string, string]>>();
  async function hoistedSettings(name: string): Promise<Array<[string, string]>> {
    const known = hoisted.get(name);
    if (known) return known;
    const result = await pool.query<{ setting: string }>(
      `select unnest(p.proconfig) as setting from pg_catalog.pg_proc p
       where p.pronamespace = 'public'::regnamespace and p.proname = $1`, [name]);
    // Only settings that differ from the session's need the extra round trips.
    const settings = result.rows
      .map((row) => row.setting.split('=') as [string, string])
      .filter(([key, value]) => HOISTED_SETTINGS.includes(key) && durationMs(value) !== SESSION_STATEMENT_TIMEOUT_MS);
    hoisted.set(name, settings);
    return settings;
  }

  async function run(name: string, sql: string, values: unknown[]) {
    try {
      const settings = await hoistedSettings(name);
      if (settings.length === 0) return await pool.query(sql, values);
      const client = await pool.connect();
      try {
        await client.query('begin');
        for (const [key, value] of settings) await client.query('select set_config($1, $2, true)', [key, value]);
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
    close: () => pool.end(),
  };
}

const HOISTED_SETTINGS = ['statement_timeout'];
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
