-- The (meter, local day) pairs this load touches, in each meter's own timezone: only these days of
-- meter_daily are rebuilt. Meters without a timezone on record fall back to :default_timezone.
CREATE TEMP TABLE affected_days AS
SELECT DISTINCT
  s.meter_id,
  CAST(s.interval_start AT TIME ZONE COALESCE(m.timezone, CAST(:default_timezone AS VARCHAR(64))) AS DATE) AS day
FROM stg_meter_readings s
LEFT JOIN meters m ON m.meter_id = s.meter_id;
