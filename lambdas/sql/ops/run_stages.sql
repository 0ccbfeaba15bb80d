-- gridlake cloud smoke: what became of the date after its load (analysis pending, succeeded or failed).
SELECT run_id, stage, status, error
FROM etl_run_stages
WHERE run_date = CAST(:run_date AS DATE)
ORDER BY run_id, stage;
