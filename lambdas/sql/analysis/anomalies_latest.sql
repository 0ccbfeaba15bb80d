-- The newest 500 anomalies (the published list is bounded; totals come from anomalies_totals.sql),
-- each meter anomaly with its meter's timezone (shown on the meter's own clock; only these meters'
-- zones are read, not the fleet's).
SELECT a.anomaly_id, a.subject_type, a.subject_id, a.occurred_at, a.rule, a.severity, a.value, a.expected, a.score, m.timezone
FROM anomalies a
LEFT JOIN meters m ON a.subject_type = 'meter' AND m.meter_id = a.subject_id
ORDER BY a.occurred_at DESC, a.anomaly_id
LIMIT 500;
