// Chooses the store from the environment: Supabase (SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY) in
// production, direct Postgres (DATABASE_URL) on the embedded default and self-hosted databases.
import 'server-only';
import { env } from '../env';
import { createPostgresStore } from './postgres';
import type { DatabaseStore } from './store';
import { createSupabaseStore } from './supabase';

export { isStoreUnavailableError, StoreUnavailableError, type DatabaseStore } from './store';

const holder = globalThis as typeof globalThis & { __dashboardStore?: DatabaseStore };

/** The process-wide store (kept across Next.js dev reloads so pools are not leaked). */
export function getStore(): DatabaseStore {
  if (holder.__dashboardStore) return holder.__dashboardStore;
  const config = env();
  const store =
    config.SUPABASE_URL && config.SUPABASE_SERVICE_ROLE_KEY
      ? createSupabaseStore({ url: config.SUPABASE_URL, serviceRoleKey: config.SUPABASE_SERVICE_ROLE_KEY })
      : createPostgresStore({ connectionString: config.DATABASE_URL ?? '' });
  holder.__dashboardStore = store;
  return store;
}

/** Tests swap in a store of their own (a real Postgres, or supabase-js against a fake PostgREST). */
export function setStoreForTests(store: DatabaseStore | undefined): void {
  holder.__dashboardStore = store;
}
