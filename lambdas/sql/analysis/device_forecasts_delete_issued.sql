-- Replaces one device's forecast of one issue date (DELETE, then INSERT in the same transaction).
DELETE FROM device_forecasts
WHERE device_id = :device_id
  AND issued_on = CAST(:issued_on AS DATE);
