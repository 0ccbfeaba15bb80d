-- kWh per meter group (area) and UTC hour in [from_ts, to_ts). hour_key = whole hours since the
-- Unix epoch: plain arithmetic on the instant, which avoids per-row time-zone work in the warehouse;
-- the forecast moves the series onto the local clock in memory (lambdas/analysis/local-hourly.ts).
SELECT
  COALESCE(m.area, 'unassigned') AS area,
  FLOOR(EXTRACT(EPOCH FROM r.interval_start) / 3600) AS hour_key,
  SUM(r.kwh) AS kwh
FROM meter_readings r
JOIN meters m ON m.meter_id = r.meter_id
WHERE r.interval_start >= CAST(:from_ts AS TIMESTAMPTZ) AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
GROUP BY COALESCE(m.area, 'unassigned'), FLOOR(EXTRACT(EPOCH FROM r.interval_start) / 3600)
ORDER BY area, hour_key;
