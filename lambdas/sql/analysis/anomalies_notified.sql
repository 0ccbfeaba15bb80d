-- Anomalies of a subject type in [:from_ts, :to_ts) that were already alerted: a re-run carries their
-- notified_at over, so replacing the range never alerts twice.
SELECT anomaly_id, notified_at
FROM anomalies
WHERE subject_type = :subject_type
  AND occurred_at >= CAST(:from_ts AS TIMESTAMPTZ)
  AND occurred_at < CAST(:to_ts AS TIMESTAMPTZ)
  AND notified_at IS NOT NULL;
