-- Anomalies to alert on that have not been alerted yet: every high-severity anomaly and every
-- threshold breach (household), oldest first.
SELECT anomaly_id, subject_type, subject_id, occurred_at, rule, severity, value, expected, score, detected_run
FROM anomalies
WHERE notified_at IS NULL
  AND (severity = 'high' OR subject_type = 'household')
ORDER BY occurred_at, anomaly_id;
