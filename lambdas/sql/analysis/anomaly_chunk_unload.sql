-- UNLOADed to the lake partitioned by page (lambdas/steps/analyze/anomaly-pages.ts): one page
-- worker reads one page's readings of the slice. No parameters (Redshift binds none in UNLOAD):
-- anomaly_chunk_inputs.sql filled the temp table in the same transaction.
SELECT page, meter_id, interval_start, kwh, expected, history, high
FROM anomaly_readings
