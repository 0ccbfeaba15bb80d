-- One device night (the analyze step repeats the VALUES row for a batch).
INSERT INTO sensor_night_flow (device_id, night, mnf_lpm, minutes, blocks, slope_lpm_per_night, trend_z, leak_suspected)
VALUES (
  :device_id, CAST(:night AS DATE), CAST(:mnf_lpm AS DOUBLE PRECISION), CAST(:minutes AS INTEGER), CAST(:blocks AS INTEGER),
  CAST(:slope_lpm_per_night AS DOUBLE PRECISION), CAST(:trend_z AS DOUBLE PRECISION), CAST(:leak_suspected AS BOOLEAN)
);
