-- The meter anomalies one run detected, per rule (the page workers wrote them: anomaly-pages.ts).
SELECT rule, COUNT(*) AS anomalies
FROM anomalies
WHERE subject_type = 'meter'
  AND detected_run = :run_id
GROUP BY rule
ORDER BY rule;
