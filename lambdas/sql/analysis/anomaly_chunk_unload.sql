-- UNLOADed to the lake partitioned by page (lambdas/steps/analyze/anomaly-pages.ts): one page
-- worker reads one page's readings of the slice. No parameters (Redshift binds none in UNLOAD):
-- anomaly_chunk_inputs.sql filled the temp table in the same transaction. Instants go out as epoch
-- milliseconds (BIGINT), so the reader does not depend on how an engine types a timestamp in Parquet.
SELECT page, meter_id, CAST(ROUND(EXTRACT(EPOCH FROM interval_start) * 1000) AS BIGINT) AS t, kwh, expected, history, high
FROM anomaly_readings
