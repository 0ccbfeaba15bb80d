-- Records that an anomaly's alert was sent (only once: a set notified_at is never overwritten).
UPDATE anomalies
SET notified_at = CAST(:notified_at AS TIMESTAMPTZ)
WHERE anomaly_id = :anomaly_id AND notified_at IS NULL;
