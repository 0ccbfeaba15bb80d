-- Replaces one device's nights in [from_day, to_day) (DELETE, then INSERT in the same transaction).
DELETE FROM sensor_night_flow
WHERE device_id = :device_id
  AND night >= CAST(:from_day AS DATE)
  AND night < CAST(:to_day AS DATE);
