-- utility_usage: monthly usage per household and energy type. Natural key: (household_id, energy_type, month).
-- month is the first day of the month; emission_kg = amount × emission_factor (kgCO2e per unit).
CREATE TABLE IF NOT EXISTS utility_usage (
  household_id     VARCHAR(16)      NOT NULL,
  energy_type      VARCHAR(16)      NOT NULL,
  month            DATE             NOT NULL,
  amount           DOUBLE PRECISION NOT NULL,
  unit             VARCHAR(8)       NOT NULL,
  emission_factor  DOUBLE PRECISION NOT NULL,
  emission_kg      DOUBLE PRECISION NOT NULL,
  run_id           VARCHAR(64)      NOT NULL,
  PRIMARY KEY (household_id, energy_type, month)
);
