// Which schema this app expects, and what to say when the database's is another: the app and its
// migrations are deployed separately (a push deploys the app, `supabase db push` the schema), and
// either can be ahead. Pure: the proxy, the scripts and the tests use it as well as the server.
import { z } from 'zod';
import { ERROR_KIND, errorKind } from '../errors';

/**
 * The timestamp of the latest migration that changed what this app calls. It moves together with
 * the migration that redefines public.dashboard_schema_version() (see that migration's header, and
 * tests/unit/schema-contract.test.ts, which checks both).
 */
export const APP_SCHEMA_VERSION = '20251231000001';

const migrationVersion = z.string().regex(/^\d{14}$/, 'a 14-digit migration timestamp');

/** The answer of public.dashboard_schema_version(). */
export const schemaVersionSchema = z.object({ version: migrationVersion, compatible_since: migrationVersion });
export type SchemaVersion = z.infer<typeof schemaVersionSchema>;

/** How migrations reach this database: the one command to tell an operator. */
const MIGRATE_COMMANDS = ['npx supabase db push', 'npm run migrate'] as const;
export type MigrateCommand = (typeof MIGRATE_COMMANDS)[number];

export function migrateCommand(store: 'postgres' | 'supabase'): MigrateCommand {
  return store === 'supabase' ? 'npx supabase db push' : 'npm run migrate';
}

export type SchemaVerdict = {
  app: string;
  /** null: the database has no dashboard_schema_version() at all (older than this mechanism). */
  database: SchemaVersion | null;
  command: MigrateCommand;
} & (
  | { kind: 'in-step' }
  /** Newer migrations that still serve this app (app >= compatible_since). */
  | { kind: 'ahead-compatible' }
  | { kind: 'behind' }
  | { kind: 'ahead-incompatible' }
);

export type OutOfStepVerdict = Extract<SchemaVerdict, { kind: 'behind' | 'ahead-incompatible' }>;

/** Versions are fixed-width digit strings: their text order is their time order. */
export function compareSchema(database: SchemaVersion | null, command: MigrateCommand, app: string = APP_SCHEMA_VERSION): SchemaVerdict {
  const base = { app, database, command };
  if (database === null || database.version < app) return { ...base, kind: 'behind' };
  if (database.version === app) return { ...base, kind: 'in-step' };
  return { ...base, kind: app >= database.compatible_since ? 'ahead-compatible' : 'ahead-incompatible' };
}

export function isOutOfStep(verdict: SchemaVerdict): verdict is OutOfStepVerdict {
  return verdict.kind === 'behind' || verdict.kind === 'ahead-incompatible';
}

/** What to tell the operator: which migration is missing (or which app to deploy) and how. */
export function schemaMessage(verdict: OutOfStepVerdict): string {
  const { app, database, command } = verdict;
  if (verdict.kind === 'behind') {
    if (!database && command === 'npx supabase db push') {
      // A new project (the Deploy button makes one, but cannot apply migrations) or a very old schema.
      return `The database is behind this app: migration ${app} is missing (it has none of this app's migrations, or predates dashboard_schema_version(); `
        + 'a Supabase project made by the Deploy button starts empty). Apply the migrations with '
        + `\`npx supabase link --project-ref <your project ref>\` then \`${command}\`, then retry.`;
    }
    const has = database ? `its schema is at migration ${database.version}` : 'it predates dashboard_schema_version()';
    return `The database is behind this app: migration ${app} is missing (${has}). Apply the migrations with \`${command}\`, then retry.`;
  }
  return `The database is ahead of this app: its schema is at migration ${database?.version} and serves apps from ${database?.compatible_since} on; `
    + `this app expects ${app}. Deploy the app that matches the database, then retry.`;
}

/** The 503 of a database out of step with the app; its message and fields are safe to show. */
export class SchemaOutOfStepError extends Error {
  readonly [ERROR_KIND] = 'schema-out-of-step' as const;
  constructor(public readonly verdict: OutOfStepVerdict) {
    super(schemaMessage(verdict));
    this.name = 'SchemaOutOfStepError';
  }
}

/** The 503's fields beside `error`, for clients that act on them (published in the OpenAPI document). */
export const outOfStepDetailsSchema = z.object({
  state: z.enum(['behind', 'ahead']),
  app_schema_version: migrationVersion,
  /** null: the database predates dashboard_schema_version(). */
  database_schema_version: migrationVersion.nullable(),
  compatible_since: migrationVersion.nullable(),
  /** Behind only: the migration to apply, and the command that applies it. */
  missing_migration: migrationVersion.optional(),
  command: z.enum(MIGRATE_COMMANDS).optional(),
});
export type OutOfStepDetails = z.infer<typeof outOfStepDetailsSchema>;

export function outOfStepDetails(verdict: OutOfStepVerdict): OutOfStepDetails {
  const { kind, app, database, command } = verdict;
  return {
    state: kind === 'behind' ? 'behind' : 'ahead',
    app_schema_version: app,
    database_schema_version: database?.version ?? null,
    compatible_since: database?.compatible_since ?? null,
    ...(kind === 'behind' ? { missing_migration: app, command } : {}),
  };
}

/** Use this, not `instanceof`: see lib/errors.ts. */
export function isSchemaOutOfStepError(error: unknown): error is SchemaOutOfStepError {
  return errorKind(error) === 'schema-out-of-step';
}
