import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    globalSetup: ['__tests__/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Live-runtime tests measure latency; running them beside each other on 2 cores adds noise.
    fileParallelism: false,
  },
});
