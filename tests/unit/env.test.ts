// lib/env.ts: the environment is validated once and every bad variable is named.
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../../lib/env';

const token = 'a'.repeat(64);

function errorOf(source: Record<string, string | undefined>): EnvError {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error('expected parseEnv to fail');
}

describe('parseEnv', () => {
  it('accepts a DATABASE_URL alone, with the documented defaults', () => {
    const env = parseEnv({ DATABASE_URL: 'postgresql://u:p@localhost:5432/db' });
    expect(env).toMatchObject({ DASHBOARD_SOURCE: 'mv', STALE_AFTER_SECONDS: 600 });
    expect(env.MATERIALIZED_VIEWS_REFRESH_TOKEN).toBeUndefined();
  });

  it('accepts Supabase credentials instead of a DATABASE_URL', () => {
    expect(parseEnv({ SUPABASE_URL: 'https://abc.supabase.co', SUPABASE_SERVICE_ROLE_KEY: 'k'.repeat(40) }).SUPABASE_URL)
      .toBe('https://abc.supabase.co');
  });

  it('names the missing database variable when nothing is configured', () => {
    const error = errorOf({});
    expect(error.variables).toEqual(['DATABASE_URL']);
    expect(error.message).toMatch(/DATABASE_URL.*SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY/);
  });

  it('names the missing half of the Supabase pair', () => {
    expect(errorOf({ SUPABASE_URL: 'https://abc.supabase.co' }).variables).toContain('SUPABASE_SERVICE_ROLE_KEY');
    expect(errorOf({ SUPABASE_SERVICE_ROLE_KEY: 'k'.repeat(40) }).variables).toContain('SUPABASE_URL');
  });

  it('refuses refresh secrets shorter than 32 characters, naming each', () => {
    const error = errorOf({ DATABASE_URL: 'postgres://x@h/db', MATERIALIZED_VIEWS_REFRESH_TOKEN: 'short', CRON_SECRET: 'also-short' });
    expect(error.variables.sort()).toEqual(['CRON_SECRET', 'MATERIALIZED_VIEWS_REFRESH_TOKEN']);
    expect(error.message).toMatch(/at least 32 characters/);
    expect(error.message).not.toContain('also-short');
    expect(parseEnv({ DATABASE_URL: 'postgres://x@h/db', MATERIALIZED_VIEWS_REFRESH_TOKEN: token }).MATERIALIZED_VIEWS_REFRESH_TOKEN).toBe(token);
  });

  it('rejects an unknown DASHBOARD_SOURCE and a non-positive STALE_AFTER_SECONDS', () => {
    expect(errorOf({ DATABASE_URL: 'postgres://x@h/db', DASHBOARD_SOURCE: 'cache' }).variables).toEqual(['DASHBOARD_SOURCE']);
    expect(errorOf({ DATABASE_URL: 'postgres://x@h/db', STALE_AFTER_SECONDS: '0' }).variables).toEqual(['STALE_AFTER_SECONDS']);
    expect(parseEnv({ DATABASE_URL: 'postgres://x@h/db', DASHBOARD_SOURCE: 'raw', STALE_AFTER_SECONDS: '60' }))
      .toMatchObject({ DASHBOARD_SOURCE: 'raw', STALE_AFTER_SECONDS: 60 });
  });

  it('rejects a DATABASE_URL that is not a postgres URL', () => {
    expect(errorOf({ DATABASE_URL: 'mysql://x@h/db' }).variables).toEqual(['DATABASE_URL']);
  });

  it('treats empty variables as unset', () => {
    expect(parseEnv({ DATABASE_URL: 'postgres://x@h/db', CRON_SECRET: '', DASHBOARD_SOURCE: '' }))
      .toMatchObject({ CRON_SECRET: undefined, DASHBOARD_SOURCE: 'mv' });
  });
});
