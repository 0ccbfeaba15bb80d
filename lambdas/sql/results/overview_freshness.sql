-- Data freshness: the last local day with readings up to the as-of day, and the latest reading.
SELECT
  (SELECT MAX(day) FROM meter_daily WHERE day <= CAST(:as_of AS DATE)) AS as_of_day,
  (SELECT MAX(interval_start) FROM meter_readings) AS latest_reading_at;
