-- First and last reading of every meter that reported in the history window: the expected grid of a
-- meter starts at its first reading (a new meter has no "gap" before it was installed). One page of
-- meters (first_meter … last_meter) at a time.
SELECT meter_id, MIN(interval_start) AS first_at, MAX(interval_start) AS last_at
FROM meter_readings
WHERE meter_id >= :first_meter
  AND meter_id <= :last_meter
  AND interval_start >= CAST(:history_from_ts AS TIMESTAMPTZ)
  AND interval_start < CAST(:to_ts AS TIMESTAMPTZ)
GROUP BY meter_id
ORDER BY meter_id;
