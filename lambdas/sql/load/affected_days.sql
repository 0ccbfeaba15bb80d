-- The (meter, local day) pairs this load touches, in each meter's own timezone: only these days of
-- meter_daily are rebuilt. Meters without a timezone on record fall back to the default_timezone
-- parameter. Two statements, because Redshift binds parameters only in SELECT/INSERT/UPDATE/DELETE
-- (not in CREATE TABLE … AS SELECT): the temp table first, then INSERT … SELECT.
-- Speed: the local day is computed once per (timezone, interval start) slot, not per reading.
CREATE TEMP TABLE affected_days (
  meter_id VARCHAR(64),
  day      DATE
);

INSERT INTO affected_days (meter_id, day)
WITH staged AS (
  SELECT s.meter_id, s.interval_start, COALESCE(m.timezone, CAST(:default_timezone AS VARCHAR(64))) AS timezone
  FROM stg_meter_readings s
  LEFT JOIN meters m ON m.meter_id = s.meter_id
),
slots AS (
  SELECT timezone, interval_start, CAST(interval_start AT TIME ZONE timezone AS DATE) AS day
  FROM (SELECT DISTINCT timezone, interval_start FROM staged) d
)
SELECT DISTINCT st.meter_id, sl.day
FROM staged st
JOIN slots sl ON sl.timezone = st.timezone AND sl.interval_start = st.interval_start;
