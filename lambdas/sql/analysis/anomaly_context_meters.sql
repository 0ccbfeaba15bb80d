-- Readings within three hours either side of each of the newest 500 meter anomalies (the small
-- context chart of the anomaly list).
WITH latest AS (
  SELECT anomaly_id, subject_type, subject_id, occurred_at
  FROM anomalies
  ORDER BY occurred_at DESC, anomaly_id
  LIMIT 500
)
SELECT l.anomaly_id, r.interval_start, r.kwh
FROM latest l
JOIN meter_readings r
  ON r.meter_id = l.subject_id
 AND r.interval_start >= l.occurred_at - INTERVAL '3 hours'
 AND r.interval_start <= l.occurred_at + INTERVAL '3 hours'
WHERE l.subject_type = 'meter'
ORDER BY l.anomaly_id, r.interval_start;
