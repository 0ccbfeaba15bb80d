-- The anomalies of a subject type in [from_ts, to_ts): replacing the range compares them with what
-- the run found (rewriting only from the first difference) and carries their notified_at over, so a
-- re-run never alerts twice.
SELECT anomaly_id, subject_type, subject_id, occurred_at, rule, severity, value, expected, score, detected_run, notified_at
FROM anomalies
WHERE subject_type = :subject_type
  AND occurred_at >= CAST(:from_ts AS TIMESTAMPTZ)
  AND occurred_at < CAST(:to_ts AS TIMESTAMPTZ);
