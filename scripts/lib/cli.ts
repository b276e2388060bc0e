// Shared plumbing of the command-line tools: a meaningful exit code, a one-line error, and a store
// on the resolved database that is always closed again.
import { createPostgresStore } from '../../lib/db/postgres';
import type { DatabaseStore } from '../../lib/db/store';
import { ERROR_KIND, errorKind } from '../../lib/errors';
import { resolveDatabase, type ResolvedDatabase } from './database';

/** A mistake in the command line: printed with the command's help, exit code 2. */
export class UsageError extends Error {
  readonly [ERROR_KIND] = 'usage' as const;
}

export function isUsageError(error: unknown): error is UsageError {
  return errorKind(error) === 'usage';
}

export function runCommand(name: string, help: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (isUsageError(error)) {
        console.error(`${error.message}\n\n${help}`);
        process.exit(2);
      }
      console.error(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}

/** Runs fn with a store on DATABASE_URL or the embedded dev database, then releases both. */
export async function withDatabaseStore<T>(
  options: { migrate: boolean },
  fn: (store: DatabaseStore, database: ResolvedDatabase) => Promise<T>,
): Promise<T> {
  const database = await resolveDatabase({ migrate: options.migrate });
  const store = createPostgresStore({ connectionString: database.url, max: 1 });
  try {
    return await fn(store, database);
  } finally {
    await store.close();
    await database.release();
  }
}
