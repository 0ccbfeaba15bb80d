-- meter_readings: one row per meter and interval. Natural key: (meter_id, interval_start).
-- interval_start is the UTC instant the interval begins; kwh is the energy used in the interval.
CREATE TABLE IF NOT EXISTS meter_readings (
  meter_id          VARCHAR(64)      NOT NULL,
  interval_start    TIMESTAMPTZ      NOT NULL,
  interval_minutes  INTEGER          NOT NULL,
  kwh               DOUBLE PRECISION NOT NULL,
  source            VARCHAR(32)      NOT NULL,
  run_id            VARCHAR(64)      NOT NULL,
  PRIMARY KEY (meter_id, interval_start)
);
