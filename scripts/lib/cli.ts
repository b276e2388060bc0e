// Shared plumbing of the command-line tools: a meaningful exit code, a one-line error, and a store
// on the resolved database that is always closed again.
import { createPostgresStore } from '../../lib/db/postgres';
import type { DatabaseStore } from '../../lib/db/store';
import { resolveDatabase, type ResolvedDatabase } from './database';
import { assertMigrated } from './migrate';
import { isUsageError } from './usage-error';

export { isUsageError, UsageError } from './usage-error';

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

/**
 * Runs fn with a store on DATABASE_URL or the embedded dev database, then releases both. With
 * requireMigrations it first checks that every migration is applied (it never applies them).
 */
export async function withDatabaseStore<T>(
  options: { requireMigrations: boolean },
  fn: (store: DatabaseStore, database: ResolvedDatabase) => Promise<T>,
): Promise<T> {
  const database = await resolveDatabase();
  try {
    if (options.requireMigrations) await assertMigrated(database.url, database.description);
    const store = createPostgresStore({ connectionString: database.url, max: 1 });
    try {
      return await fn(store, database);
    } finally {
      await store.close();
    }
  } finally {
    await database.release();
  }
}
