-- meter_daily: per meter and local day (in the meter's timezone). Natural key: (meter_id, day).
-- total_kwh = sum of the day's intervals; avg_interval_kwh = mean kWh per 30-minute interval;
-- intervals = readings present (48 on a normal day, 46/50 on DST change days); peak_kwh = max interval.
CREATE TABLE IF NOT EXISTS meter_daily (
  meter_id          VARCHAR(64)      NOT NULL,
  day               DATE             NOT NULL,
  total_kwh         DOUBLE PRECISION NOT NULL,
  avg_interval_kwh  DOUBLE PRECISION NOT NULL,
  intervals         INTEGER          NOT NULL,
  peak_kwh          DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (meter_id, day)
);
