-- The newest run records (one row per run and source) for the pipeline view.
SELECT run_id, source, run_date, status, rows_in, rows_loaded, duplicates, quarantined, started_at, finished_at, error
FROM etl_runs
ORDER BY run_date DESC, run_id DESC, source
LIMIT 400;
