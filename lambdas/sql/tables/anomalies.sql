-- anomalies: detected anomalies. Natural key: anomaly_id (a stable hash of rule, subject and time,
-- so a re-run finds the same id and never alerts twice). notified_at is set once an alert is sent.
CREATE TABLE IF NOT EXISTS anomalies (
  anomaly_id    VARCHAR(64)      NOT NULL,
  subject_type  VARCHAR(16)      NOT NULL,
  subject_id    VARCHAR(64)      NOT NULL,
  occurred_at   TIMESTAMPTZ      NOT NULL,
  rule          VARCHAR(64)      NOT NULL,
  severity      VARCHAR(8)       NOT NULL,
  value         DOUBLE PRECISION,
  expected      DOUBLE PRECISION,
  score         DOUBLE PRECISION,
  detected_run  VARCHAR(64)      NOT NULL,
  notified_at   TIMESTAMPTZ,
  PRIMARY KEY (anomaly_id)
);
