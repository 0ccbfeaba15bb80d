-- 30-minute readings of the most recent local days, with the local day and clock time.
SELECT
  r.meter_id,
  CAST(r.interval_start AT TIME ZONE m.timezone AS DATE) AS day,
  CAST(EXTRACT(HOUR FROM r.interval_start AT TIME ZONE m.timezone) AS INTEGER) AS hh,
  CAST(EXTRACT(MINUTE FROM r.interval_start AT TIME ZONE m.timezone) AS INTEGER) AS mi,
  r.kwh
FROM meter_readings r
JOIN meters m ON m.meter_id = r.meter_id
WHERE r.interval_start >= CAST(:from_ts AS TIMESTAMPTZ) AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
  AND CAST(r.interval_start AT TIME ZONE m.timezone AS DATE) > CAST(:from_day AS DATE)
  AND CAST(r.interval_start AT TIME ZONE m.timezone AS DATE) <= CAST(:to_day AS DATE)
ORDER BY r.meter_id, r.interval_start;
