-- The newest 500 anomalies (the published list is bounded; totals come from anomalies_totals.sql).
SELECT anomaly_id, subject_type, subject_id, occurred_at, rule, severity, value, expected, score
FROM anomalies
ORDER BY occurred_at DESC, anomaly_id
LIMIT 500;
