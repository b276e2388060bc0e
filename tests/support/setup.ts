// Per-file setup: the app's store and environment point at the test database.
import { afterAll, inject } from 'vitest';
import { setStoreForTests } from '../../lib/db';
import { createPostgresStore } from '../../lib/db/postgres';
import { resetEnvCache } from '../../lib/env';

const databaseUrl = inject('databaseUrl');
// A real Supabase given to the test run is kept for the tests written for it, under other names,
// so that the app's own store never reaches it by accident.
if (process.env.SUPABASE_URL && !process.env.SUPABASE_TEST_URL) process.env.SUPABASE_TEST_URL = process.env.SUPABASE_URL;
if (process.env.SUPABASE_SERVICE_ROLE_KEY && !process.env.SUPABASE_TEST_SERVICE_ROLE_KEY) {
  process.env.SUPABASE_TEST_SERVICE_ROLE_KEY = process.env.SUPABASE_SERVICE_ROLE_KEY;
}
process.env.DATABASE_URL = databaseUrl;
delete process.env.SUPABASE_URL;
delete process.env.SUPABASE_SERVICE_ROLE_KEY;
// Tests that are not about access read the dashboard in the documented open mode; the access tests
// require sign-in explicitly (tests/support/auth.ts requireSignIn).
process.env.DASHBOARD_AUTH = 'off';
delete process.env.SUPABASE_JWT_SECRET;
delete process.env.SUPABASE_ANON_KEY;
resetEnvCache();

const store = createPostgresStore({ connectionString: databaseUrl });
setStoreForTests(store);

afterAll(async () => {
  setStoreForTests(undefined);
  await store.close();
});
