-- Rebuild meter_daily for the affected days: the daily total, the average per 30-minute interval,
-- the number of intervals present and the peak interval, per meter and LOCAL day.
INSERT INTO meter_daily (meter_id, day, total_kwh, avg_interval_kwh, intervals, peak_kwh)
SELECT
  r.meter_id,
  CAST(r.interval_start AT TIME ZONE m.timezone AS DATE) AS day,
  SUM(r.kwh) AS total_kwh,
  AVG(r.kwh) AS avg_interval_kwh,
  COUNT(*) AS intervals,
  MAX(r.kwh) AS peak_kwh
FROM meter_readings r
JOIN meters m ON m.meter_id = r.meter_id
JOIN affected_days a
  ON a.meter_id = r.meter_id
 AND a.day = CAST(r.interval_start AT TIME ZONE m.timezone AS DATE)
-- Only readings within a day of the affected days can belong to them: keeps the scan small.
WHERE r.interval_start >= (SELECT MIN(day) FROM affected_days) - INTERVAL '1 day'
  AND r.interval_start < (SELECT MAX(day) FROM affected_days) + INTERVAL '2 day'
GROUP BY r.meter_id, CAST(r.interval_start AT TIME ZONE m.timezone AS DATE);
