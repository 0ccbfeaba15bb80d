-- 30-minute readings between two instants, with the local day and clock time of each.
-- Speed: the local day and time are computed once per (timezone, interval start) slot and joined
-- back, instead of converting every reading with AT TIME ZONE. The caller keeps the local days it
-- wants (a filter on the local day here would be pushed down to every reading).
WITH recent AS (
  SELECT r.meter_id, r.interval_start, r.kwh, m.timezone
  FROM meter_readings r
  JOIN meters m ON m.meter_id = r.meter_id
  WHERE r.interval_start >= CAST(:from_ts AS TIMESTAMPTZ) AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
),
slots AS (
  SELECT
    timezone,
    interval_start,
    CAST(interval_start AT TIME ZONE timezone AS DATE) AS day,
    CAST(EXTRACT(HOUR FROM interval_start AT TIME ZONE timezone) AS INTEGER) AS hh,
    CAST(EXTRACT(MINUTE FROM interval_start AT TIME ZONE timezone) AS INTEGER) AS mi
  FROM (SELECT DISTINCT timezone, interval_start FROM recent) d
)
SELECT r.meter_id, s.day, s.hh, s.mi, r.kwh
FROM recent r
JOIN slots s ON s.timezone = r.timezone AND s.interval_start = r.interval_start
ORDER BY r.meter_id, r.interval_start;
