-- NotifyFailure: the execution's (run, source) pairs, filled by bound multi-row INSERTs, so the
-- marking below is set-based whatever the number of dates.
CREATE TEMP TABLE plan_runs (
  run_id    VARCHAR(64)  NOT NULL,
  source    VARCHAR(32)  NOT NULL,
  run_date  DATE         NOT NULL
);
