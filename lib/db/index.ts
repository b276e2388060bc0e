// Chooses the store from the environment: Supabase (SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY) in
// production, direct Postgres (DATABASE_URL) on the embedded default and self-hosted databases.
// The app gets it behind the schema gate (lib/db/schema-check.ts).
import 'server-only';
import { env } from '../env';
import { createPostgresStore } from './postgres';
import { bindSchemaCheck, gatedStore } from './schema-check';
import type { DatabaseStore } from './store';
import { createSupabaseStore } from './supabase';

export { isStoreUnavailableError, StoreUnavailableError, type DatabaseStore } from './store';

const holder = globalThis as typeof globalThis & {
  __dashboardStore?: DatabaseStore;
  __dashboardGatedStore?: { of: DatabaseStore; gated: DatabaseStore };
};

/** The process-wide store (kept across Next.js dev reloads so pools are not leaked). */
export function getStore(): DatabaseStore {
  const store = holder.__dashboardStore ?? createStore();
  holder.__dashboardStore = store;
  if (holder.__dashboardGatedStore?.of !== store) {
    bindSchemaCheck(store);
    holder.__dashboardGatedStore = { of: store, gated: gatedStore(store) };
  }
  return holder.__dashboardGatedStore.gated;
}

function createStore(): DatabaseStore {
  const config = env();
  return config.SUPABASE_URL && config.SUPABASE_SERVICE_ROLE_KEY
    ? createSupabaseStore({ url: config.SUPABASE_URL, serviceRoleKey: config.SUPABASE_SERVICE_ROLE_KEY })
    : createPostgresStore({ connectionString: config.DATABASE_URL ?? '' });
}

/** Tests swap in a store of their own (a real Postgres, or supabase-js against a fake PostgREST). */
export function setStoreForTests(store: DatabaseStore | undefined): void {
  holder.__dashboardStore = store;
  holder.__dashboardGatedStore = undefined;
  bindSchemaCheck(store);
}
