-- One flow meter's minutes over a bounded window (the analysis reads one device at a time).
SELECT minute, flow_lpm, pressure_bar
FROM sensor_readings
WHERE device_id = :device_id
  AND minute >= CAST(:from_ts AS TIMESTAMPTZ)
  AND minute < CAST(:to_ts AS TIMESTAMPTZ)
ORDER BY minute;
