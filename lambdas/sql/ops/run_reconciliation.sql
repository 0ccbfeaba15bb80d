-- gridlake cloud smoke: one date's run records, for the reconciliation a deploy rehearsal prints.
-- rows_in = rows_loaded + duplicates + quarantined on every row of a healthy run.
SELECT run_id, source, status, rows_in, rows_loaded, duplicates, quarantined,
       CAST(started_at AS VARCHAR) AS started_at, CAST(finished_at AS VARCHAR) AS finished_at, error
FROM etl_runs
WHERE run_date = CAST(:run_date AS DATE)
ORDER BY run_id, source;
