-- etl_run_stages: what became of a date after its load committed, one row per run and stage.
-- Load writes the 'analyze' stage 'pending' in its own transaction; Analyze marks it 'succeeded';
-- NotifyFailure marks what the failed execution left 'pending' as 'failed'. A row still 'pending'
-- once its execution has ended means the execution was killed (or stopped by a quota) there.
-- started_at is the execution's start (its Plan's startedAt), which identifies the execution.
-- Natural key: (run_id, stage).
CREATE TABLE IF NOT EXISTS etl_run_stages (
  run_id       VARCHAR(64)   NOT NULL,
  stage        VARCHAR(16)   NOT NULL,
  run_date     DATE          NOT NULL,
  status       VARCHAR(16)   NOT NULL,
  started_at   TIMESTAMPTZ   NOT NULL,
  finished_at  TIMESTAMPTZ,
  error        VARCHAR(4096),
  PRIMARY KEY (run_id, stage)
);
