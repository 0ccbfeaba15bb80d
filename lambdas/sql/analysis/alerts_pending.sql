-- Anomalies to alert on that have not been alerted yet: every high-severity anomaly and every
-- threshold breach (household), oldest first. Meter anomalies that occurred before oldest (the alert
-- window before the newest data) are history, not news: an imported history holds hundreds, and
-- bounding them here keeps every later run from reading them again. A meter anomaly carries its
-- meter's timezone (the alert names the time on the meter's clock).
SELECT a.anomaly_id, a.subject_type, a.subject_id, a.occurred_at, a.rule, a.severity, a.value, a.expected, a.score, a.detected_run, m.timezone
FROM anomalies a
LEFT JOIN meters m ON a.subject_type = 'meter' AND m.meter_id = a.subject_id
WHERE a.notified_at IS NULL
  AND (a.severity = 'high' OR a.subject_type = 'household')
  AND (a.subject_type <> 'meter' OR a.occurred_at >= CAST(:oldest AS TIMESTAMPTZ))
ORDER BY a.occurred_at, a.anomaly_id;
