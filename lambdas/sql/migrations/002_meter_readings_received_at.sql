-- 002: meter_readings.received_at, when the reading's file was received (the newest received version
-- of a reading is kept, whatever order dates are loaded or re-run in). Nullable: rows loaded before it
-- was kept have no receipt time and count as the oldest version.
ALTER TABLE meter_readings ADD COLUMN received_at TIMESTAMPTZ;
