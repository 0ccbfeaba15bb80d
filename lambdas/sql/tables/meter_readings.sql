-- meter_readings: one row per meter and interval. Natural key: (meter_id, interval_start).
-- interval_start is the UTC instant the interval begins; kwh is the energy used in the interval.
-- received_at is when the reading's file was received (the import time): the newest received
-- version of a reading is kept, whatever order dates are loaded or re-run in. NULL for sources
-- whose data is regenerated identically (the simulator), and for rows loaded before it was kept.
CREATE TABLE IF NOT EXISTS meter_readings (
  meter_id          VARCHAR(64)      NOT NULL,
  interval_start    TIMESTAMPTZ      NOT NULL,
  interval_minutes  INTEGER          NOT NULL,
  kwh               DOUBLE PRECISION NOT NULL,
  source            VARCHAR(32)      NOT NULL,
  run_id            VARCHAR(64)      NOT NULL,
  received_at       TIMESTAMPTZ,
  PRIMARY KEY (meter_id, interval_start)
);
