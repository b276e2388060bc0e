// The one place environment variables are read. Parsed once with zod; a wrong or missing variable
// fails with a message naming it.
import { z } from 'zod';
import { ERROR_KIND, errorKind } from './errors';
import { DEFAULT_REFRESH_EVERY_SECONDS, staleAfterFor } from './freshness';

const secret = (name: string) =>
  z.string().min(32, `${name} must be at least 32 characters (generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('hex'))")`);

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

/** localhost, 127.x.x.x and ::1: this machine, where plain http cannot be overheard. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** The site's own address: a bare origin (scheme, host, port), as browsers send it in Origin. */
const siteUrl = (name: string) =>
  z.preprocess(emptyAsUndefined, z.url(`${name} must be the site's address, like https://dashboard.example.com`)
    .refine((value) => {
      const url = URL.canParse(value) ? new URL(value) : null;
      return !url || (['http:', 'https:'].includes(url.protocol) && !url.username && !url.password && url.pathname === '/' && !url.search && !url.hash);
    }, `${name} must be the site's origin only (https://host[:port], no path, query or credentials)`)
    .optional());

const schema = z
  .object({
    DATABASE_URL: z.preprocess(emptyAsUndefined, z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// or postgresql:// URL').optional()),
    SUPABASE_URL: z.preprocess(emptyAsUndefined, z.url('SUPABASE_URL must be a URL like https://<project>.supabase.co')
      // Passwords, tokens and the service role key travel to it: never in clear, but on this machine.
      .refine((value) => {
        const url = URL.canParse(value) ? new URL(value) : null;
        return !url || url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
      },
        'SUPABASE_URL must use https (http only for localhost / 127.0.0.1)')
      .optional()),
    SUPABASE_SERVICE_ROLE_KEY: z.preprocess(emptyAsUndefined, z.string().min(20, 'SUPABASE_SERVICE_ROLE_KEY looks too short').optional()),
    MATERIALIZED_VIEWS_REFRESH_TOKEN: z.preprocess(emptyAsUndefined, secret('MATERIALIZED_VIEWS_REFRESH_TOKEN').optional()),
    CRON_SECRET: z.preprocess(emptyAsUndefined, secret('CRON_SECRET').optional()),
    DASHBOARD_SOURCE: z.preprocess(emptyAsUndefined, z.enum(['mv', 'raw', 'live'], 'DASHBOARD_SOURCE must be "mv", "raw" or "live"').default('mv')),
    // off: every answer is computed by the database on every request (the answers cache,
    // lib/dashboard/answer-cache.ts, is not consulted); for comparison (npm run bench -- --load) and
    // as a switch in an emergency.
    DASHBOARD_CACHE: z.preprocess(emptyAsUndefined, z.enum(['on', 'off'], 'DASHBOARD_CACHE must be "on" or "off"').default('on')),
    // off: `next start` leaves responses uncompressed (read by next.config.js at start, checked here too
    // so a wrong value is named by the same start-up check as every other variable).
    DASHBOARD_COMPRESS: z.preprocess(emptyAsUndefined, z.enum(['on', 'off'], 'DASHBOARD_COMPRESS must be "on" or "off"').default('on')),
    // How often the views are refreshed (the cron, pg_cron or npm run dev): what the page says and how
    // often it asks again; the stale threshold follows it unless STALE_AFTER_SECONDS is set.
    REFRESH_EVERY_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number('REFRESH_EVERY_SECONDS must be a whole number of seconds')
      .int('REFRESH_EVERY_SECONDS must be a whole number of seconds').min(1, 'REFRESH_EVERY_SECONDS must be at least 1')
      .max(86_400, 'REFRESH_EVERY_SECONDS must be at most 86400 (a day)').default(DEFAULT_REFRESH_EVERY_SECONDS)),
    STALE_AFTER_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive('STALE_AFTER_SECONDS must be a positive whole number').optional()),
    // Sign-in (Supabase Auth). Access tokens are verified locally: with the project's signing keys
    // (JWKS under SUPABASE_URL) and/or the legacy shared secret (HS256).
    SUPABASE_JWT_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, 'SUPABASE_JWT_SECRET looks too short (Settings → API → JWT secret of the project)').optional()),
    SUPABASE_ANON_KEY: z.preprocess(emptyAsUndefined, z.string().min(20, 'SUPABASE_ANON_KEY looks too short (the anon or publishable key of the project)').optional()),
    DASHBOARD_AUTH: z.preprocess(emptyAsUndefined, z.enum(['on', 'off'], 'DASHBOARD_AUTH must be "on" or "off"').default('on')),
    // Set by `npm run dev` only (with a per-.data HS256 secret in SUPABASE_JWT_SECRET): /auth/dev-sign-in
    // signs this user in. A production build never serves it.
    DASHBOARD_DEV_SIGN_IN_USER: z.preprocess(emptyAsUndefined, z.uuid('DASHBOARD_DEV_SIGN_IN_USER must be a user id (uuid)').optional()),
    // The issuer Supabase Auth writes in `iss`; `${SUPABASE_URL}/auth/v1` unless the project says otherwise.
    SUPABASE_JWT_ISSUER: z.preprocess(emptyAsUndefined, z.url('SUPABASE_JWT_ISSUER must be a URL like https://<project>.supabase.co/auth/v1').optional()),
    // 1: only sessions that passed multi-factor authentication (aal2) read the dashboard.
    DASHBOARD_REQUIRE_AAL2: z.preprocess(emptyAsUndefined, z.enum(['0', '1'], 'DASHBOARD_REQUIRE_AAL2 must be 1 or 0').default('0').transform((value) => value === '1')),
    // The site's own origin: sign-in links point at it, cookie-authenticated POSTs must come from it,
    // and alerts link to the dashboard with it. Required in production; never taken from a request's
    // Origin or Host, which clients choose.
    SITE_URL: siteUrl('SITE_URL'),
    NEXT_PUBLIC_SITE_URL: siteUrl('NEXT_PUBLIC_SITE_URL'),
    // The request header that carries the client's IP, set (overwritten, not appended to) by the
    // platform in front of the server: Vercel sets x-forwarded-for. Sign-in throttling keys on it.
    CLIENT_IP_HEADER: z.preprocess(emptyAsUndefined, z.string().regex(/^[A-Za-z0-9-]+$/, 'CLIENT_IP_HEADER must be a header name, like x-forwarded-for or cf-connecting-ip')
      .default('x-forwarded-for').transform((value) => value.toLowerCase())),
    // Alert channels may point at private or loopback addresses (tests, a receiver on the same network).
    // Off by default outside `next dev`: a webhook URL must not become a way to reach the internal network.
    ALERTS_ALLOW_PRIVATE_URLS: z.preprocess(emptyAsUndefined, z.enum(['0', '1'], 'ALERTS_ALLOW_PRIVATE_URLS must be 1 or 0').default('0').transform((value) => value === '1')),
    NODE_ENV: z.string().optional(),
    // Set by Vercel on its deployments ("1"): there X-Forwarded-For is the platform's, not the client's.
    VERCEL: z.string().optional(),
    // Set by Vercel on its deployments (hostnames, no scheme): the site's address when SITE_URL is not
    // set, so a deployment made with the Deploy button needs no SITE_URL. The platform sets them, not
    // the request, so they are as trustworthy as SITE_URL.
    VERCEL_ENV: z.string().optional(),
    VERCEL_PROJECT_PRODUCTION_URL: z.string().optional(),
    VERCEL_BRANCH_URL: z.string().optional(),
    VERCEL_URL: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    // SUPABASE_URL with DATABASE_URL and no service role key: Supabase Auth for sign-in, data read directly.
    if (env.SUPABASE_URL && !env.SUPABASE_SERVICE_ROLE_KEY && !env.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['SUPABASE_SERVICE_ROLE_KEY'], message: 'SUPABASE_SERVICE_ROLE_KEY is required when SUPABASE_URL is set' });
    }
    if (env.SUPABASE_SERVICE_ROLE_KEY && !env.SUPABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['SUPABASE_URL'], message: 'SUPABASE_URL is required when SUPABASE_SERVICE_ROLE_KEY is set' });
    }
    if (!env.DATABASE_URL && !env.SUPABASE_URL && !env.SUPABASE_SERVICE_ROLE_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'Set DATABASE_URL, or SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY (`npm run dev` sets DATABASE_URL for its embedded Postgres)',
      });
    }
    if (env.SITE_URL && env.NEXT_PUBLIC_SITE_URL && new URL(env.SITE_URL).origin !== new URL(env.NEXT_PUBLIC_SITE_URL).origin) {
      ctx.addIssue({ code: 'custom', path: ['NEXT_PUBLIC_SITE_URL'], message: 'NEXT_PUBLIC_SITE_URL and SITE_URL name different sites; set one' });
    }
    if (env.NODE_ENV === 'production') {
      productionAuthIssues(env).forEach((issue) => ctx.addIssue({ code: 'custom', ...issue }));
      productionSiteIssues(env).forEach((issue) => ctx.addIssue({ code: 'custom', ...issue }));
    }
  })
  // The stale threshold follows the refresh interval unless set (two missed refreshes, at least a minute).
  .transform((env) => ({
    ...env,
    STALE_AFTER_SECONDS: env.STALE_AFTER_SECONDS ?? staleAfterFor(env.REFRESH_EVERY_SECONDS),
    SITE_URL: env.SITE_URL ?? (env.NEXT_PUBLIC_SITE_URL ? undefined : vercelSite(env)),
  }));

type VercelSystemEnv = { VERCEL_ENV?: string; VERCEL_PROJECT_PRODUCTION_URL?: string; VERCEL_BRANCH_URL?: string; VERCEL_URL?: string };

/**
 * On Vercel, the deployment's own address: the production domain on production, the branch's (or
 * the deployment's) address on previews. Undefined elsewhere, or if the platform's value is not a
 * bare hostname.
 */
function vercelSite(env: VercelSystemEnv): string | undefined {
  if (!env.VERCEL_ENV) return undefined;
  const host = env.VERCEL_ENV === 'production' ? env.VERCEL_PROJECT_PRODUCTION_URL : env.VERCEL_BRANCH_URL ?? env.VERCEL_URL;
  return host && /^[a-z0-9.-]+(:\d+)?$/i.test(host) ? `https://${host}` : undefined;
}

export type Env = z.infer<typeof schema>;

/** Every variable the schema reads: .env.example lists each one (tests/unit/env-example.test.ts). */
export const ENV_VARIABLES = Object.keys(schema.in.shape);

/**
 * A production server requires sign-in unless told otherwise: it must be able to verify access
 * tokens, and the sign-in page must be able to reach Supabase Auth. The dev sign-in is refused.
 */
function productionAuthIssues(env: Pick<Env, 'DASHBOARD_DEV_SIGN_IN_USER' | 'DASHBOARD_AUTH' | 'SUPABASE_URL' | 'SUPABASE_JWT_SECRET' | 'SUPABASE_ANON_KEY'>): Array<{ path: string[]; message: string }> {
  const issues: Array<{ path: string[]; message: string }> = [];
  if (env.DASHBOARD_DEV_SIGN_IN_USER) {
    issues.push({ path: ['DASHBOARD_DEV_SIGN_IN_USER'], message: 'DASHBOARD_DEV_SIGN_IN_USER is for `npm run dev` only; unset it in production' });
  }
  if (env.DASHBOARD_AUTH === 'off') return issues;
  if (!env.SUPABASE_URL && !env.SUPABASE_JWT_SECRET) {
    issues.push({
      path: ['SUPABASE_JWT_SECRET'],
      message: 'Sign-in needs a way to verify access tokens: set SUPABASE_URL (its signing keys) or SUPABASE_JWT_SECRET (legacy HS256 secret); or DASHBOARD_AUTH=off for an open dashboard on a private network',
    });
  }
  if (env.SUPABASE_URL && !env.SUPABASE_ANON_KEY) {
    issues.push({ path: ['SUPABASE_ANON_KEY'], message: 'SUPABASE_ANON_KEY (the anon or publishable key) is required for the sign-in page when SUPABASE_URL is set' });
  }
  return issues;
}

/** Production serves one known site, over https (plain http only on this machine, as the tests do). */
function productionSiteIssues(env: { SITE_URL?: string; NEXT_PUBLIC_SITE_URL?: string } & VercelSystemEnv): Array<{ path: string[]; message: string }> {
  const configured = env.SITE_URL ?? env.NEXT_PUBLIC_SITE_URL ?? vercelSite(env);
  if (!configured) {
    return [{ path: ['SITE_URL'], message: 'SITE_URL (or NEXT_PUBLIC_SITE_URL) is required in production outside Vercel: the site\'s address, like https://dashboard.example.com; sign-in links and the same-origin check use it' }];
  }
  const url = new URL(configured);
  if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) {
    return [{ path: [env.SITE_URL ? 'SITE_URL' : 'NEXT_PUBLIC_SITE_URL'], message: 'the site\'s address must use https in production (session cookies are Secure)' }];
  }
  return [];
}

/** Outside production, with no site configured: what `next dev` serves by default. */
const DEVELOPMENT_SITE = 'http://localhost:3000';

/** The site's own origin (https://host[:port]): configured, or the development default. */
export function siteOrigin(env: Pick<Env, 'SITE_URL' | 'NEXT_PUBLIC_SITE_URL'>): string {
  return new URL(env.SITE_URL ?? env.NEXT_PUBLIC_SITE_URL ?? DEVELOPMENT_SITE).origin;
}

/** Supabase's `iss` for this project's tokens, when a project is known. */
export function tokenIssuer(env: Pick<Env, 'SUPABASE_URL' | 'SUPABASE_JWT_ISSUER'>): string | undefined {
  if (env.SUPABASE_JWT_ISSUER) return env.SUPABASE_JWT_ISSUER.replace(/\/+$/, '');
  return env.SUPABASE_URL ? new URL('/auth/v1', env.SUPABASE_URL).href : undefined;
}

export class EnvError extends Error {
  readonly [ERROR_KIND] = 'invalid-environment' as const;
  constructor(public readonly variables: string[], message: string) {
    super(message);
    this.name = 'EnvError';
  }
}

/** Use this, not `instanceof`: see lib/errors.ts. */
export function isEnvError(error: unknown): error is EnvError {
  return errorKind(error) === 'invalid-environment';
}

/** Parses an environment (process.env by default); throws EnvError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  const variables = result.error.issues.map((issue) => issue.path.join('.'));
  throw new EnvError(variables, `Invalid environment:\n${lines.join('\n')}`);
}

let cached: Env | undefined;

/** The validated environment of this process, parsed on first use. */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** Forget the parsed environment (tests change process.env between cases). */
export function resetEnvCache(): void {
  cached = undefined;
}

/**
 * True in code built by Next.js with Cache Components (`next build`, `next dev`), where `use cache`
 * functions keep their answers; false where the same modules run in-process (vitest, tsx scripts), in
 * which they are plain functions. Next.js inlines this at build time, like NODE_ENV below.
 */
export function frameworkCacheAvailable(): boolean {
  return Boolean(process.env.__NEXT_USE_CACHE);
}

/**
 * True only under `next dev` (and `tsx` scripts run without NODE_ENV=production). Next.js inlines
 * process.env.NODE_ENV at build time, so in a production build this is the constant false and code
 * behind it (the dev sign-in) is unreachable whatever the environment says at run time.
 */
export function isDevelopmentServer(): boolean {
  return process.env.NODE_ENV === 'development';
}
