-- A source that failed before its load committed gets a failed record with zero counts.
INSERT INTO etl_runs (run_id, source, run_date, status, rows_in, rows_loaded, duplicates, quarantined, started_at, finished_at, error)
SELECT CAST(:run_id AS VARCHAR(64)), CAST(:source AS VARCHAR(32)), CAST(:run_date AS DATE), 'failed', 0, 0, 0, 0,
       CAST(:started_at AS TIMESTAMPTZ), CAST(:finished_at AS TIMESTAMPTZ), CAST(:error AS VARCHAR(4096))
WHERE NOT EXISTS (
  SELECT 1 FROM etl_runs WHERE run_id = CAST(:run_id AS VARCHAR(64)) AND source = CAST(:source AS VARCHAR(32))
);
