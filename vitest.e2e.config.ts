import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// Tests over HTTP against `next start` (production build) and in a real Chromium.
export default defineConfig({
  resolve: base.resolve,
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    globalSetup: ['tests/support/e2e-global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 600_000,
    environment: 'node',
  },
});
