-- Written in the load's transaction: once the date's data is committed, its analysis and its
-- publication are still to do (each marked 'succeeded' by its own step, lambdas/steps/run-stages.ts).
INSERT INTO etl_run_stages (run_id, stage, run_date, status, started_at, finished_at, error)
SELECT CAST(:run_id AS VARCHAR(64)), CAST('analyze' AS VARCHAR(16)), CAST(:run_date AS DATE), CAST('pending' AS VARCHAR(16)),
       CAST(:started_at AS TIMESTAMPTZ), CAST(NULL AS TIMESTAMPTZ), CAST(NULL AS VARCHAR(4096))
UNION ALL
SELECT CAST(:run_id AS VARCHAR(64)), CAST('publish' AS VARCHAR(16)), CAST(:run_date AS DATE), CAST('pending' AS VARCHAR(16)),
       CAST(:started_at AS TIMESTAMPTZ), CAST(NULL AS TIMESTAMPTZ), CAST(NULL AS VARCHAR(4096));
