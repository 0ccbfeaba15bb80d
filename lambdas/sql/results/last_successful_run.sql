SELECT run_id, finished_at FROM etl_runs
WHERE status = 'succeeded'
ORDER BY finished_at DESC, run_id DESC
LIMIT 1;
