-- Anomaly counts by rule and severity, over all anomalies.
SELECT rule, severity, COUNT(*) AS anomalies
FROM anomalies
GROUP BY rule, severity
ORDER BY rule, severity;
