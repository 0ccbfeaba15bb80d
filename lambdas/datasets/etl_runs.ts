import { defineDataset } from './dataset';

/** Written by the load (one row per run and source) and by NotifyFailure, not loaded from a source. */
export const etlRuns = defineDataset({
  name: 'etl_runs',
  description: `etl_runs: the run record, one row per run and source.
Reconciliation: rows_in = rows_loaded + duplicates + quarantined.`,
  columns: [
    { name: 'run_id', type: 'VARCHAR(64)' },
    { name: 'source', type: 'VARCHAR(32)' },
    { name: 'run_date', type: 'DATE' },
    { name: 'status', type: 'VARCHAR(16)' },
    { name: 'rows_in', type: 'BIGINT' },
    { name: 'rows_loaded', type: 'BIGINT' },
    { name: 'duplicates', type: 'BIGINT' },
    { name: 'quarantined', type: 'BIGINT' },
    { name: 'started_at', type: 'TIMESTAMPTZ' },
    { name: 'finished_at', type: 'TIMESTAMPTZ', nullable: true },
    { name: 'error', type: 'VARCHAR(4096)', nullable: true },
  ],
  naturalKey: ['run_id', 'source'],
  redshift: { distStyle: 'ALL', sortKey: ['run_date'], why: 'tiny run record' },
  checks: [],
});
