-- etl_runs: the run record, one row per run and source. Natural key: (run_id, source).
-- Reconciliation: rows_in = rows_loaded + duplicates + quarantined.
CREATE TABLE IF NOT EXISTS etl_runs (
  run_id       VARCHAR(64)   NOT NULL,
  source       VARCHAR(32)   NOT NULL,
  run_date     DATE          NOT NULL,
  status       VARCHAR(16)   NOT NULL,
  rows_in      BIGINT        NOT NULL,
  rows_loaded  BIGINT        NOT NULL,
  duplicates   BIGINT        NOT NULL,
  quarantined  BIGINT        NOT NULL,
  started_at   TIMESTAMPTZ   NOT NULL,
  finished_at  TIMESTAMPTZ,
  error        VARCHAR(4096),
  PRIMARY KEY (run_id, source)
);
