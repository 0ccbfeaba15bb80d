-- Anomalies to alert on that have not been alerted yet: every high-severity anomaly and every
-- threshold breach (household), oldest first. Meter anomalies that occurred before oldest (the alert
-- window before the newest data) are history, not news: an imported history holds hundreds, and
-- bounding them here keeps every later run from reading them again.
SELECT anomaly_id, subject_type, subject_id, occurred_at, rule, severity, value, expected, score, detected_run
FROM anomalies
WHERE notified_at IS NULL
  AND (severity = 'high' OR subject_type = 'household')
  AND (subject_type <> 'meter' OR occurred_at >= CAST(:oldest AS TIMESTAMPTZ))
ORDER BY occurred_at, anomaly_id;
