// The one place environment variables are read. Parsed once with zod; a wrong or missing variable
// fails with a message naming it.
import { z } from 'zod';
import { ERROR_KIND, errorKind } from './errors';
import { DEFAULT_STALE_AFTER_SECONDS } from './freshness';

const secret = (name: string) =>
  z.string().min(32, `${name} must be at least 32 characters (generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('hex'))")`);

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

const schema = z
  .object({
    DATABASE_URL: z.preprocess(emptyAsUndefined, z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// or postgresql:// URL').optional()),
    SUPABASE_URL: z.preprocess(emptyAsUndefined, z.url('SUPABASE_URL must be a URL like https://<project>.supabase.co').optional()),
    SUPABASE_SERVICE_ROLE_KEY: z.preprocess(emptyAsUndefined, z.string().min(20, 'SUPABASE_SERVICE_ROLE_KEY looks too short').optional()),
    MATERIALIZED_VIEWS_REFRESH_TOKEN: z.preprocess(emptyAsUndefined, secret('MATERIALIZED_VIEWS_REFRESH_TOKEN').optional()),
    CRON_SECRET: z.preprocess(emptyAsUndefined, secret('CRON_SECRET').optional()),
    DASHBOARD_SOURCE: z.preprocess(emptyAsUndefined, z.enum(['mv', 'raw', 'live'], 'DASHBOARD_SOURCE must be "mv", "raw" or "live"').default('mv')),
    STALE_AFTER_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive('STALE_AFTER_SECONDS must be a positive whole number').default(DEFAULT_STALE_AFTER_SECONDS)),
    // Sign-in (Supabase Auth). Access tokens are verified locally: with the project's signing keys
    // (JWKS under SUPABASE_URL) and/or the legacy shared secret (HS256).
    SUPABASE_JWT_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, 'SUPABASE_JWT_SECRET looks too short (Settings → API → JWT secret of the project)').optional()),
    SUPABASE_ANON_KEY: z.preprocess(emptyAsUndefined, z.string().min(20, 'SUPABASE_ANON_KEY looks too short (the anon or publishable key of the project)').optional()),
    DASHBOARD_AUTH: z.preprocess(emptyAsUndefined, z.enum(['on', 'off'], 'DASHBOARD_AUTH must be "on" or "off"').default('on')),
    // Set by `npm run dev` only (with a per-.data HS256 secret in SUPABASE_JWT_SECRET): /auth/dev-sign-in
    // signs this user in. A production build never serves it.
    DASHBOARD_DEV_SIGN_IN_USER: z.preprocess(emptyAsUndefined, z.uuid('DASHBOARD_DEV_SIGN_IN_USER must be a user id (uuid)').optional()),
    // The site's public origin (https://dashboard.example.com): alerts link to the dashboard with it;
    // without it their links are relative paths.
    SITE_URL: z.preprocess(emptyAsUndefined, z.url('SITE_URL must be the site\'s URL, like https://dashboard.example.com').optional()),
    // Alert channels may point at private or loopback addresses (tests, a receiver on the same network).
    // Off by default outside `next dev`: a webhook URL must not become a way to reach the internal network.
    ALERTS_ALLOW_PRIVATE_URLS: z.preprocess(emptyAsUndefined, z.enum(['0', '1'], 'ALERTS_ALLOW_PRIVATE_URLS must be 1 or 0').default('0').transform((value) => value === '1')),
    NODE_ENV: z.string().optional(),
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
    if (env.NODE_ENV === 'production') productionAuthIssues(env).forEach((issue) => ctx.addIssue({ code: 'custom', ...issue }));
  });

export type Env = z.infer<typeof schema>;

/**
 * A production server requires sign-in unless told otherwise: it must be able to verify access
 * tokens, and the sign-in page must be able to reach Supabase Auth. The dev sign-in is refused.
 */
function productionAuthIssues(env: Omit<Env, 'NODE_ENV'>): Array<{ path: string[]; message: string }> {
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
 * True only under `next dev` (and `tsx` scripts run without NODE_ENV=production). Next.js inlines
 * process.env.NODE_ENV at build time, so in a production build this is the constant false and code
 * behind it (the dev sign-in) is unreachable whatever the environment says at run time.
 */
export function isDevelopmentServer(): boolean {
  return process.env.NODE_ENV === 'development';
}
