-- Monthly usage of the same energy type within three months either side of each of the newest 500
-- household (threshold) anomalies.
WITH latest AS (
  SELECT anomaly_id, subject_type, subject_id, occurred_at, rule
  FROM anomalies
  ORDER BY occurred_at DESC, anomaly_id
  LIMIT 500
)
SELECT l.anomaly_id, u.month, u.amount
FROM latest l
JOIN utility_usage u
  ON u.household_id = l.subject_id
 AND 'threshold:' || u.energy_type = l.rule
 AND u.month >= CAST(l.occurred_at - INTERVAL '92 days' AS DATE)
 AND u.month <= CAST(l.occurred_at + INTERVAL '92 days' AS DATE)
WHERE l.subject_type = 'household'
ORDER BY l.anomaly_id, u.month;
