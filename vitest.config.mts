import { defineConfig } from 'vitest/config';

// Integration tests open real DuckDB files, child processes (s3rver) and Chromium: give them room,
// and keep CDK synths from running in parallel on a 2-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
