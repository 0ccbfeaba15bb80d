-- Remove the affected days before rebuilding them from meter_readings (DELETE + INSERT in one
-- transaction = a replace of exactly those days).
DELETE FROM meter_daily
WHERE EXISTS (
  SELECT 1 FROM affected_days a
  WHERE a.meter_id = meter_daily.meter_id AND a.day = meter_daily.day
);
