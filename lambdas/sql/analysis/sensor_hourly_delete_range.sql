-- Replaces one device's hours in [from_ts, to_ts) (DELETE, then INSERT in the same transaction).
DELETE FROM sensor_hourly
WHERE device_id = :device_id
  AND hour >= CAST(:from_ts AS TIMESTAMPTZ)
  AND hour < CAST(:to_ts AS TIMESTAMPTZ);
