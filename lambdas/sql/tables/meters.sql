-- meters: one row per customer meter. Natural key: meter_id.
-- timezone is the IANA zone of the meter's site: local days (meter_daily.day) are computed in it.
CREATE TABLE IF NOT EXISTS meters (
  meter_id      VARCHAR(64)  NOT NULL,
  timezone      VARCHAR(64)  NOT NULL,
  area          VARCHAR(64),
  tariff        VARCHAR(64),
  source        VARCHAR(32)  NOT NULL,
  updated_run   VARCHAR(64)  NOT NULL,
  PRIMARY KEY (meter_id)
);
