-- Average kWh per 30-minute interval by local hour of day (each meter's own timezone).
SELECT
  CAST(EXTRACT(HOUR FROM r.interval_start AT TIME ZONE m.timezone) AS INTEGER) AS hour,
  AVG(r.kwh) AS avg_interval_kwh
FROM meter_readings r
JOIN meters m ON m.meter_id = r.meter_id
WHERE r.interval_start >= CAST(:from_ts AS TIMESTAMPTZ) AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
GROUP BY CAST(EXTRACT(HOUR FROM r.interval_start AT TIME ZONE m.timezone) AS INTEGER)
ORDER BY hour;
