-- Rebuild meter_daily for the affected days: the daily total, the average per 30-minute interval,
-- the number of intervals present and the peak interval, per meter and LOCAL day.
-- Speed: only the affected meters' readings within a day of the affected range are read, and the
-- local day is computed once per (timezone, interval start) slot, then joined on (meter, day).
INSERT INTO meter_daily (meter_id, day, total_kwh, avg_interval_kwh, intervals, peak_kwh)
WITH readings AS (
  SELECT r.meter_id, r.interval_start, r.kwh, m.timezone
  FROM meter_readings r
  JOIN meters m ON m.meter_id = r.meter_id
  WHERE r.interval_start >= (SELECT MIN(day) FROM affected_days) - INTERVAL '1 day'
    AND r.interval_start < (SELECT MAX(day) FROM affected_days) + INTERVAL '2 day'
    AND r.meter_id IN (SELECT meter_id FROM affected_days)
),
slots AS (
  SELECT timezone, interval_start, CAST(interval_start AT TIME ZONE timezone AS DATE) AS day
  FROM (SELECT DISTINCT timezone, interval_start FROM readings) d
),
local_readings AS (
  SELECT r.meter_id, s.day, r.kwh
  FROM readings r
  JOIN slots s ON s.timezone = r.timezone AND s.interval_start = r.interval_start
)
SELECT lr.meter_id, lr.day, SUM(lr.kwh), AVG(lr.kwh), COUNT(*), MAX(lr.kwh)
FROM local_readings lr
JOIN affected_days a ON a.meter_id = lr.meter_id AND a.day = lr.day
GROUP BY lr.meter_id, lr.day;
