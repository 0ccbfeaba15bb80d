-- A date whose load did not commit in this execution keeps an older record (an earlier execution's):
-- it is marked failed, its counts kept. A load that committed in this execution (same started_at)
-- stays as it recorded itself.
UPDATE etl_runs
SET status = 'failed', error = CAST(:error AS VARCHAR(4096)), finished_at = CAST(:finished_at AS TIMESTAMPTZ)
WHERE started_at <> CAST(:started_at AS TIMESTAMPTZ)
  AND EXISTS (SELECT 1 FROM plan_runs p WHERE p.run_id = etl_runs.run_id AND p.source = etl_runs.source);
