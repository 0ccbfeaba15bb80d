-- forecasts: hourly forecasts. Natural key: (group_id, issued_on, target_hour).
-- group_id is 'fleet' or a meter group (e.g. 'area:a1'); kwh per hour with 80%/95% intervals.
CREATE TABLE IF NOT EXISTS forecasts (
  group_id     VARCHAR(64)      NOT NULL,
  issued_on    DATE             NOT NULL,
  target_hour  TIMESTAMPTZ      NOT NULL,
  model        VARCHAR(32)      NOT NULL,
  yhat         DOUBLE PRECISION NOT NULL,
  lo80         DOUBLE PRECISION NOT NULL,
  hi80         DOUBLE PRECISION NOT NULL,
  lo95         DOUBLE PRECISION NOT NULL,
  hi95         DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (group_id, issued_on, target_hour)
);
