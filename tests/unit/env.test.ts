// lib/env.ts: the environment is validated once and every bad variable is named.
import { describe, expect, it, vi } from 'vitest';
import { EnvError, parseEnv, siteOrigin } from '../../lib/env';

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

  it('keeps answers by default; DASHBOARD_CACHE=off turns the answers cache off, anything else is refused', () => {
    expect(parseEnv({ DATABASE_URL: 'postgres://x@h/db' }).DASHBOARD_CACHE).toBe('on');
    expect(parseEnv({ DATABASE_URL: 'postgres://x@h/db', DASHBOARD_CACHE: '' }).DASHBOARD_CACHE).toBe('on');
    expect(parseEnv({ DATABASE_URL: 'postgres://x@h/db', DASHBOARD_CACHE: 'off' }).DASHBOARD_CACHE).toBe('off');
    expect(errorOf({ DATABASE_URL: 'postgres://x@h/db', DASHBOARD_CACHE: 'false' }).variables).toEqual(['DASHBOARD_CACHE']);
  });

  it('compresses by default; DASHBOARD_COMPRESS=off leaves it to a proxy, anything else is refused here and by next.config.js', async () => {
    expect(parseEnv({ DATABASE_URL: 'postgres://x@h/db' }).DASHBOARD_COMPRESS).toBe('on');
    expect(parseEnv({ DATABASE_URL: 'postgres://x@h/db', DASHBOARD_COMPRESS: 'off' }).DASHBOARD_COMPRESS).toBe('off');
    expect(errorOf({ DATABASE_URL: 'postgres://x@h/db', DASHBOARD_COMPRESS: 'gzip' }).variables).toEqual(['DASHBOARD_COMPRESS']);
    // next.config.js reads the variable when the server starts (each import below is a fresh module).
    const config = async (value: string | undefined, tag: string) => {
      vi.stubEnv('DASHBOARD_COMPRESS', value);
      try {
        return ((await import(/* @vite-ignore */ `../../next.config.js?${tag}`)) as { default: { compress: boolean } }).default.compress;
      } finally {
        vi.unstubAllEnvs();
      }
    };
    expect(await config(undefined, 'unset')).toBe(true);
    expect(await config('off', 'off')).toBe(false);
    await expect(config('no', 'no')).rejects.toThrow('DASHBOARD_COMPRESS must be "on" or "off"');
  });

  it('rejects a DATABASE_URL that is not a postgres URL', () => {
    expect(errorOf({ DATABASE_URL: 'mysql://x@h/db' }).variables).toEqual(['DATABASE_URL']);
  });

  it('treats empty variables as unset', () => {
    expect(parseEnv({ DATABASE_URL: 'postgres://x@h/db', CRON_SECRET: '', DASHBOARD_SOURCE: '' }))
      .toMatchObject({ CRON_SECRET: undefined, DASHBOARD_SOURCE: 'mv' });
  });
});

describe('parseEnv: sign-in', () => {
  const db = { DATABASE_URL: 'postgres://x@h/db' };
  const secret = 's'.repeat(40);
  const site = { SITE_URL: 'https://dashboard.example.com' };

  it('requires sign-in by default, with nothing else to set outside production', () => {
    expect(parseEnv(db).DASHBOARD_AUTH).toBe('on');
    expect(parseEnv({ ...db, NODE_ENV: 'development' }).DASHBOARD_AUTH).toBe('on');
  });

  it('in production, refuses to start without SUPABASE_URL or SUPABASE_JWT_SECRET, naming them', () => {
    const error = errorOf({ ...db, ...site, NODE_ENV: 'production' });
    expect(error.variables).toEqual(['SUPABASE_JWT_SECRET']);
    expect(error.message).toMatch(/SUPABASE_URL.*SUPABASE_JWT_SECRET.*DASHBOARD_AUTH=off/);
    expect(parseEnv({ ...db, ...site, NODE_ENV: 'production', SUPABASE_JWT_SECRET: secret }).SUPABASE_JWT_SECRET).toBe(secret);
    expect(parseEnv({ ...db, ...site, NODE_ENV: 'production', DASHBOARD_AUTH: 'off' }).DASHBOARD_AUTH).toBe('off');
  });

  it('in production, requires SUPABASE_ANON_KEY beside SUPABASE_URL (the login page talks to Supabase Auth)', () => {
    const supabase = { ...site, SUPABASE_URL: 'https://abc.supabase.co', SUPABASE_SERVICE_ROLE_KEY: 'k'.repeat(40), NODE_ENV: 'production' };
    expect(errorOf(supabase).variables).toEqual(['SUPABASE_ANON_KEY']);
    expect(parseEnv({ ...supabase, SUPABASE_ANON_KEY: 'a'.repeat(40) }).SUPABASE_URL).toBe('https://abc.supabase.co');
  });

  it('accepts SUPABASE_URL for sign-in beside a DATABASE_URL, without a service role key', () => {
    expect(parseEnv({ ...db, SUPABASE_URL: 'https://abc.supabase.co', SUPABASE_ANON_KEY: 'a'.repeat(40) }).SUPABASE_SERVICE_ROLE_KEY).toBeUndefined();
  });

  it('refuses the dev sign-in in production, an unknown DASHBOARD_AUTH and a short secret', () => {
    expect(errorOf({ ...db, ...site, NODE_ENV: 'production', DASHBOARD_AUTH: 'off', DASHBOARD_DEV_SIGN_IN_USER: '6f1c2c1e-4a51-4b8e-9a4f-1d2b3c4d5e6f' }).variables)
      .toEqual(['DASHBOARD_DEV_SIGN_IN_USER']);
    expect(errorOf({ ...db, DASHBOARD_AUTH: 'maybe' }).variables).toEqual(['DASHBOARD_AUTH']);
    const short = errorOf({ ...db, SUPABASE_JWT_SECRET: 'short-secret' });
    expect(short.variables).toEqual(['SUPABASE_JWT_SECRET']);
    expect(short.message).not.toContain('short-secret');
  });
});

describe('parseEnv: the site\'s own address (sign-in links, same-origin checks)', () => {
  const db = { DATABASE_URL: 'postgres://x@h/db' };
  const production = { ...db, NODE_ENV: 'production', DASHBOARD_AUTH: 'off' };

  it('in production, is required (SITE_URL or NEXT_PUBLIC_SITE_URL) and never guessed from a request', () => {
    const error = errorOf(production);
    expect(error.variables).toEqual(['SITE_URL']);
    expect(error.message).toMatch(/SITE_URL.*NEXT_PUBLIC_SITE_URL/);
    expect(siteOrigin(parseEnv({ ...production, SITE_URL: 'https://dash.example.com/' }))).toBe('https://dash.example.com');
    expect(siteOrigin(parseEnv({ ...production, NEXT_PUBLIC_SITE_URL: 'https://dash.example.com' }))).toBe('https://dash.example.com');
  });

  it('on Vercel, is the deployment\'s own address the platform names (production domain, or the preview\'s) unless SITE_URL is set', () => {
    const vercel = { ...production, VERCEL: '1', VERCEL_PROJECT_PRODUCTION_URL: 'dash.vercel.app', VERCEL_BRANCH_URL: 'dash-git-x.vercel.app', VERCEL_URL: 'dash-abc123.vercel.app' };
    expect(siteOrigin(parseEnv({ ...vercel, VERCEL_ENV: 'production' }))).toBe('https://dash.vercel.app');
    expect(siteOrigin(parseEnv({ ...vercel, VERCEL_ENV: 'preview' }))).toBe('https://dash-git-x.vercel.app');
    expect(siteOrigin(parseEnv({ ...vercel, VERCEL_ENV: 'production', SITE_URL: 'https://analytics.example.com' }))).toBe('https://analytics.example.com');
    // A value that is not a bare hostname is not used: production then asks for SITE_URL.
    expect(errorOf({ ...vercel, VERCEL_ENV: 'production', VERCEL_PROJECT_PRODUCTION_URL: 'evil.example/x' }).variables).toEqual(['SITE_URL']);
  });

  it('outside production defaults to http://localhost:3000 (npm run dev passes its own)', () => {
    expect(siteOrigin(parseEnv(db))).toBe('http://localhost:3000');
    expect(siteOrigin(parseEnv({ ...db, SITE_URL: 'http://localhost:4123' }))).toBe('http://localhost:4123');
  });

  it('refuses a URL that is not a bare origin, an http site in production (but for loopback), and two that disagree', () => {
    for (const bad of ['dash.example.com', 'https://dash.example.com/app', 'https://dash.example.com/?x=1', 'javascript:alert(1)', 'ftp://dash.example.com', 'https://user:pw@dash.example.com']) {
      expect(errorOf({ ...db, SITE_URL: bad }).variables, bad).toEqual(['SITE_URL']);
    }
    expect(errorOf({ ...production, SITE_URL: 'http://dash.example.com' }).message).toMatch(/https/);
    expect(siteOrigin(parseEnv({ ...production, SITE_URL: 'http://127.0.0.1:3000' }))).toBe('http://127.0.0.1:3000');
    expect(errorOf({ ...db, SITE_URL: 'https://a.example.com', NEXT_PUBLIC_SITE_URL: 'https://b.example.com' }).variables).toEqual(['NEXT_PUBLIC_SITE_URL']);
  });
});

describe('parseEnv: Supabase over https, MFA, client IP', () => {
  const db = { DATABASE_URL: 'postgres://x@h/db' };

  it('refuses an http SUPABASE_URL except on this machine (tokens and passwords would travel in clear)', () => {
    const error = errorOf({ ...db, SUPABASE_URL: 'http://abc.supabase.co' });
    expect(error.variables).toEqual(['SUPABASE_URL']);
    expect(error.message).toMatch(/https/);
    for (const local of ['http://localhost:54321', 'http://127.0.0.1:54321', 'http://[::1]:54321']) {
      expect(parseEnv({ ...db, SUPABASE_URL: local }).SUPABASE_URL, local).toBe(local);
    }
  });

  it('reads DASHBOARD_REQUIRE_AAL2 as 1 or 0 and CLIENT_IP_HEADER as a header name', () => {
    expect(parseEnv(db)).toMatchObject({ DASHBOARD_REQUIRE_AAL2: false, CLIENT_IP_HEADER: 'x-forwarded-for' });
    expect(parseEnv({ ...db, DASHBOARD_REQUIRE_AAL2: '1', CLIENT_IP_HEADER: 'CF-Connecting-IP' })).toMatchObject({ DASHBOARD_REQUIRE_AAL2: true, CLIENT_IP_HEADER: 'cf-connecting-ip' });
    expect(errorOf({ ...db, DASHBOARD_REQUIRE_AAL2: 'yes' }).variables).toEqual(['DASHBOARD_REQUIRE_AAL2']);
    expect(errorOf({ ...db, CLIENT_IP_HEADER: 'x forwarded' }).variables).toEqual(['CLIENT_IP_HEADER']);
  });
});
