// Per-file setup: the app's store and environment point at the test database.
import { afterAll, inject } from 'vitest';
import { setStoreForTests } from '../../lib/db';
import { createPostgresStore } from '../../lib/db/postgres';
import { openMode, TEST_SITE_URL } from './auth';

const databaseUrl = inject('databaseUrl');
// SUPABASE_URL in a developer's shell may be production: tests drop it and never use it. The tests
// written for a real Supabase read TEST_SUPABASE_URL / TEST_SUPABASE_SERVICE_ROLE_KEY only.
process.env.DATABASE_URL = databaseUrl;
delete process.env.SUPABASE_SERVICE_ROLE_KEY;
// The site's own origin (sign-in links, the same-origin check of cookie POSTs); a developer's
// NEXT_PUBLIC_SITE_URL must not leak in. Throttling reads the client IP from X-Forwarded-For.
process.env.SITE_URL = TEST_SITE_URL;
for (const name of ['NEXT_PUBLIC_SITE_URL', 'CLIENT_IP_HEADER', 'SUPABASE_JWT_ISSUER']) delete process.env[name];
// The alerts' test receivers listen on 127.0.0.1, which production refuses.
process.env.ALERTS_ALLOW_PRIVATE_URLS = '1';
// Tests that are not about access read the dashboard in the documented open mode (which also drops
// SUPABASE_URL); the access tests require sign-in explicitly (tests/support/auth.ts requireSignIn).
openMode();

const store = createPostgresStore({ connectionString: databaseUrl });
setStoreForTests(store);

afterAll(async () => {
  setStoreForTests(undefined);
  await store.close();
});
