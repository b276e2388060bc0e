import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// `npm run test:citus`: the integration tests that matter for scaling out, against a Citus coordinator
// (CITUS_DATABASE_URL, or a local cluster started by the global setup). `npm test` never runs these.
export default defineConfig({
  resolve: base.resolve,
  test: {
    include: [
      'tests/citus/**/*.test.ts',
      'tests/integration/schema.test.ts',
      'tests/integration/dashboard-differential.test.ts',
      'tests/integration/dashboard-buckets-campaigns.test.ts',
      'tests/integration/incremental-refresh.test.ts',
      'tests/integration/live-dashboard.test.ts',
      'tests/integration/dashboard-aggregate.test.ts',
      'tests/integration/maintenance.test.ts',
      // sign_in_throttle is distributed by its subject there: counting and pruning across shards.
      'tests/integration/sign-in-throttle.test.ts',
      'tests/integration/alerts.test.ts',
    ],
    globalSetup: ['tests/support/citus-global-setup.ts'],
    setupFiles: ['tests/support/setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 900_000,
    environment: 'node',
  },
});
