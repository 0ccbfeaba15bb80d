-- UNLOADed to the lake partitioned by page (lambdas/steps/analyze/anomaly-pages.ts): each page worker
-- reads its own meters. No parameters: Redshift binds none in UNLOAD; the temp table was filled by
-- anomaly_meters.sql in the same transaction.
SELECT page, meter_id, timezone, first_loaded, first_at, last_at
FROM anomaly_meters
