-- Replaces a detection range: its anomalies are deleted, then re-inserted (same transaction).
DELETE FROM anomalies
WHERE subject_type = :subject_type
  AND occurred_at >= CAST(:from_ts AS TIMESTAMPTZ)
  AND occurred_at < CAST(:to_ts AS TIMESTAMPTZ);
