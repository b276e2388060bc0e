import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@': import.meta.dirname,
      'server-only': path.join(import.meta.dirname, 'tests/support/server-only.ts'),
    },
  },
  test: {
    include: ['tests/unit/**/*.test.{ts,tsx}', 'tests/integration/**/*.test.{ts,tsx}'],
    globalSetup: ['tests/support/global-setup.ts'],
    setupFiles: ['tests/support/setup.ts'],
    // One shared Postgres: files run one after another so refreshes of the shared views never
    // race each other; tests isolate their data by workspace id.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    environment: 'node',
  },
});
