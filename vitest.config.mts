import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Every statement the DuckDB warehouse runs during the tests is recorded here (test workers and the
// CLI processes they start inherit the variable), for the Redshift grammar test, which runs after
// all other test files (its project's groupOrder is 1). See test/redshift/statement-recording.ts.
const SQL_RECORDING = join(tmpdir(), `gridlake-sql-recording-${process.pid}.jsonl`);
const REDSHIFT_SQL_TEST = 'test/redshift/redshift-sql.test.ts';

// Integration tests open real DuckDB files, child processes (s3rver) and Chromium: give them room,
// and keep CDK synths from running in parallel on a 2-core machine. A workflow test runs every default
// source (meters, EV chargers, 20 flow meters × 1,440 minutes a day): on a loaded 2-core machine one
// run has taken 127 s, so the limit is a hang detector, not a speed goal (speed is `npm run bench`).
export default defineConfig({
  test: {
    testTimeout: 300_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    env: { GRIDLAKE_SQL_RECORDING: SQL_RECORDING },
    globalSetup: ['test/redshift/statement-recording.ts'],
    projects: [
      { extends: true, test: { name: 'gridlake', include: ['test/**/*.test.ts'], exclude: [REDSHIFT_SQL_TEST] } },
      { extends: true, test: { name: 'redshift-sql', include: [REDSHIFT_SQL_TEST], sequence: { groupOrder: 1 } } },
    ],
  },
});
