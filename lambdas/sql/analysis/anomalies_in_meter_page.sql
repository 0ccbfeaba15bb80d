-- The meter anomalies of one page of meters (subject ids first_meter … last_meter) in
-- [from_ts, to_ts): replacing a page's ranges compares them with what the run found and carries their
-- notified_at over (see anomalies_in_range.sql), one page at a time.
SELECT anomaly_id, subject_type, subject_id, occurred_at, rule, severity, value, expected, score, detected_run, notified_at
FROM anomalies
WHERE subject_type = 'meter'
  AND subject_id >= :first_meter
  AND subject_id <= :last_meter
  AND occurred_at >= CAST(:from_ts AS TIMESTAMPTZ)
  AND occurred_at < CAST(:to_ts AS TIMESTAMPTZ);
