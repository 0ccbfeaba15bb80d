-- Average kWh per 30-minute interval by local hour of day (each meter's own timezone).
-- Speed: readings are first summed per (timezone, interval start) — a few thousand slots — and only
-- those slots are converted to local time (AT TIME ZONE per reading costs seconds per million rows).
WITH slots AS (
  SELECT m.timezone, r.interval_start, SUM(r.kwh) AS kwh, COUNT(*) AS readings
  FROM meter_readings r
  JOIN meters m ON m.meter_id = r.meter_id
  WHERE r.interval_start >= CAST(:from_ts AS TIMESTAMPTZ) AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
  GROUP BY m.timezone, r.interval_start
)
SELECT
  CAST(EXTRACT(HOUR FROM s.interval_start AT TIME ZONE s.timezone) AS INTEGER) AS hour,
  SUM(s.kwh) / SUM(s.readings) AS avg_interval_kwh
FROM slots s
GROUP BY CAST(EXTRACT(HOUR FROM s.interval_start AT TIME ZONE s.timezone) AS INTEGER)
ORDER BY hour;
