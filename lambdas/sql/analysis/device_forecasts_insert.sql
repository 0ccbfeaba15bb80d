-- One forecast hour of one device (the analyze step repeats the VALUES row for a batch).
INSERT INTO device_forecasts (device_id, issued_on, target_hour, model, flow_lpm, lo80, hi80)
VALUES (
  :device_id, CAST(:issued_on AS DATE), CAST(:target_hour AS TIMESTAMPTZ), :model,
  CAST(:flow_lpm AS DOUBLE PRECISION), CAST(:lo80 AS DOUBLE PRECISION), CAST(:hi80 AS DOUBLE PRECISION)
);
