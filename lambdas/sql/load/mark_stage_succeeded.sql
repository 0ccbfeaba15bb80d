-- A stage finished for every date of one execution (identified by its start time).
UPDATE etl_run_stages
SET status = 'succeeded', finished_at = CAST(:finished_at AS TIMESTAMPTZ), error = NULL
WHERE started_at = CAST(:started_at AS TIMESTAMPTZ) AND stage = CAST(:stage AS VARCHAR(16));
