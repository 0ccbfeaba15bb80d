-- Records that the alerts of the listed anomalies were sent (only once: a set notified_at is never
-- overwritten). The analyze step expands anomaly_ids into one bound parameter per id.
UPDATE anomalies
SET notified_at = CAST(:notified_at AS TIMESTAMPTZ)
WHERE anomaly_id IN (:anomaly_ids) AND notified_at IS NULL;
