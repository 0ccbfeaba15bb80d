-- The slots of meter_profiles.sql with their local clock time: per timezone and local day, each
-- interval start seen between two instants, numbered in time order from 0 (same numbering).
WITH recent AS (
  SELECT DISTINCT m.timezone, r.interval_start
  FROM meter_readings r
  JOIN meters m ON m.meter_id = r.meter_id
  WHERE r.interval_start >= CAST(:from_ts AS TIMESTAMPTZ) AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
),
local AS (
  SELECT timezone, interval_start, interval_start AT TIME ZONE timezone AS local_at
  FROM recent
)
SELECT
  timezone,
  CAST(local_at AS DATE) AS day,
  CAST(ROW_NUMBER() OVER (PARTITION BY timezone, CAST(local_at AS DATE) ORDER BY interval_start) - 1 AS INTEGER) AS slot,
  CAST(EXTRACT(HOUR FROM local_at) AS INTEGER) AS hh,
  CAST(EXTRACT(MINUTE FROM local_at) AS INTEGER) AS mi
FROM local
ORDER BY timezone, day, slot;
