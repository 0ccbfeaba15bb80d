-- One device hour (the analyze step repeats the VALUES row for a batch).
INSERT INTO sensor_hourly (device_id, hour, flow_mean, flow_min, flow_max, pressure_mean, pressure_min, pressure_max, minutes)
VALUES (
  :device_id, CAST(:hour AS TIMESTAMPTZ), CAST(:flow_mean AS DOUBLE PRECISION), CAST(:flow_min AS DOUBLE PRECISION),
  CAST(:flow_max AS DOUBLE PRECISION), CAST(:pressure_mean AS DOUBLE PRECISION), CAST(:pressure_min AS DOUBLE PRECISION),
  CAST(:pressure_max AS DOUBLE PRECISION), CAST(:minutes AS INTEGER)
);
