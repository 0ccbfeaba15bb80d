-- Replaces one device's outlier minutes in [from_ts, to_ts) (DELETE, then INSERT in the same transaction).
DELETE FROM sensor_outliers
WHERE device_id = :device_id
  AND minute >= CAST(:from_ts AS TIMESTAMPTZ)
  AND minute < CAST(:to_ts AS TIMESTAMPTZ);
