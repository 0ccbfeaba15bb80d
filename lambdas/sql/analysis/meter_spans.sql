-- First and last reading of every meter that reported in the history window, with its timezone: the
-- expected grid of a meter starts at its first reading (a new meter has no "gap" before it was
-- installed), and a meter that reported in the window but not since is a gap to its own local end of
-- the execution's last day (lambdas/steps/analyze/anomalies.ts, silent meters). One page of meters
-- (first_meter … last_meter, meter_pages.sql) at a time.
SELECT r.meter_id, COALESCE(m.timezone, CAST(:default_timezone AS VARCHAR(64))) AS timezone,
  MIN(r.interval_start) AS first_at, MAX(r.interval_start) AS last_at
FROM meter_readings r
LEFT JOIN meters m ON m.meter_id = r.meter_id
WHERE r.meter_id >= :first_meter
  AND r.meter_id <= :last_meter
  AND r.interval_start >= CAST(:history_from_ts AS TIMESTAMPTZ)
  AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
GROUP BY r.meter_id, COALESCE(m.timezone, CAST(:default_timezone AS VARCHAR(64)))
ORDER BY r.meter_id;
