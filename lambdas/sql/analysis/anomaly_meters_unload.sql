-- UNLOADed to the lake partitioned by page (lambdas/steps/analyze/anomaly-pages.ts): each page worker
-- reads its own meters. No parameters: Redshift binds none in UNLOAD; the temp table was filled by
-- anomaly_meters.sql in the same transaction. Instants go out as epoch milliseconds (BIGINT), so the
-- reader does not depend on how an engine types a timestamp in Parquet.
SELECT page, meter_id, timezone,
  CAST(ROUND(EXTRACT(EPOCH FROM first_loaded) * 1000) AS BIGINT) AS first_loaded,
  CAST(ROUND(EXTRACT(EPOCH FROM first_at) * 1000) AS BIGINT) AS first_at,
  CAST(ROUND(EXTRACT(EPOCH FROM last_at) * 1000) AS BIGINT) AS last_at
FROM anomaly_meters
