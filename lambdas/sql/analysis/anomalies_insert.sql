-- One anomaly (the analyze step repeats the VALUES row for a batch).
INSERT INTO anomalies (
  anomaly_id, subject_type, subject_id, occurred_at, rule, severity, value, expected, score, detected_run, notified_at
) VALUES (
  :anomaly_id, :subject_type, :subject_id, CAST(:occurred_at AS TIMESTAMPTZ), :rule, :severity,
  CAST(:value AS DOUBLE PRECISION), CAST(:expected AS DOUBLE PRECISION), CAST(:score AS DOUBLE PRECISION),
  :detected_run, CAST(:notified_at AS TIMESTAMPTZ)
);
