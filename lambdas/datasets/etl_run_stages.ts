import { defineDataset } from './dataset';

/** Written by the load, Analyze, Publish and NotifyFailure (lambdas/steps/run-stages.ts), not loaded from a source. */
export const etlRunStages = defineDataset({
  name: 'etl_run_stages',
  description: `etl_run_stages: what became of a date after its load committed, one row per run and stage.
Load writes the 'analyze' and 'publish' stages 'pending' in its own transaction; Analyze and
Publish each mark theirs 'succeeded'; NotifyFailure marks what the failed execution left
'pending' as 'failed'. A row still 'pending' once its execution has ended means the execution
was killed (or stopped by a quota) there.
started_at is the execution's start (its Plan's startedAt), which identifies the execution.`,
  columns: [
    { name: 'run_id', type: 'VARCHAR(64)' },
    { name: 'stage', type: 'VARCHAR(16)' },
    { name: 'run_date', type: 'DATE' },
    { name: 'status', type: 'VARCHAR(16)' },
    { name: 'started_at', type: 'TIMESTAMPTZ' },
    { name: 'finished_at', type: 'TIMESTAMPTZ', nullable: true },
    { name: 'error', type: 'VARCHAR(4096)', nullable: true },
  ],
  naturalKey: ['run_id', 'stage'],
  redshift: { distStyle: 'ALL', sortKey: ['run_date'], why: 'tiny stage record' },
  checks: [],
});
