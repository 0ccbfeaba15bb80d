-- A (run, source) never recorded gets a failed record with zero counts.
INSERT INTO etl_runs (run_id, source, run_date, status, rows_in, rows_loaded, duplicates, quarantined, started_at, finished_at, error)
SELECT p.run_id, p.source, p.run_date, 'failed', 0, 0, 0, 0,
       CAST(:started_at AS TIMESTAMPTZ), CAST(:finished_at AS TIMESTAMPTZ), CAST(:error AS VARCHAR(4096))
FROM plan_runs p
WHERE NOT EXISTS (SELECT 1 FROM etl_runs e WHERE e.run_id = p.run_id AND e.source = p.source);
