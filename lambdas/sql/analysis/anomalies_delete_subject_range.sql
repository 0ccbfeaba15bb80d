-- Replaces some subjects' detection range: their anomalies from from_ts to to_ts are deleted, then
-- re-inserted (same transaction). Per subject, because each meter's range is its own local days:
-- other meters' anomalies in the same hours are not this run's to replace. subject_ids is a list
-- (bound one value each, see lambdas/sql/analysis/multi-row-insert.ts inListStatements).
DELETE FROM anomalies
WHERE subject_type = :subject_type
  AND subject_id IN (:subject_ids)
  AND occurred_at >= CAST(:from_ts AS TIMESTAMPTZ)
  AND occurred_at < CAST(:to_ts AS TIMESTAMPTZ);
