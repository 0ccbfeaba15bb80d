-- A failed execution marks its run record failed; counts already recorded (a load that committed
-- before a later step failed) are kept, so the record still reconciles.
UPDATE etl_runs
SET status = 'failed', error = CAST(:error AS VARCHAR(4096)), finished_at = CAST(:finished_at AS TIMESTAMPTZ)
WHERE run_id = CAST(:run_id AS VARCHAR(64)) AND source = CAST(:source AS VARCHAR(32));
