-- What the failed execution left to do after a committed load (its analysis) did not happen.
UPDATE etl_run_stages
SET status = 'failed', error = CAST(:error AS VARCHAR(4096)), finished_at = CAST(:finished_at AS TIMESTAMPTZ)
WHERE started_at = CAST(:started_at AS TIMESTAMPTZ) AND status = 'pending';
