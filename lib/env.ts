// The one place environment variables are read. Parsed once with zod; a wrong or missing variable
// fails with a message naming it.
import { z } from 'zod';
import { ERROR_KIND, errorKind } from './errors';

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
    STALE_AFTER_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive('STALE_AFTER_SECONDS must be a positive whole number').default(600)),
  })
  .superRefine((env, ctx) => {
    if (env.SUPABASE_URL && !env.SUPABASE_SERVICE_ROLE_KEY) {
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
  });

export type Env = z.infer<typeof schema>;

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
