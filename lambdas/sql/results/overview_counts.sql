-- Open anomalies — meter anomalies of the last 7 days and this month's threshold breaches (a
-- monthly usage is dated the 1st of its month, so a 7-day window would miss them) — and this
-- month's emissions.
SELECT
  (SELECT COUNT(*) FROM anomalies
    WHERE occurred_at >= CAST(:week_from AS TIMESTAMPTZ)
       OR (subject_type = 'household' AND occurred_at >= CAST(CAST(:month AS DATE) AS TIMESTAMPTZ))) AS open_anomalies,
  (SELECT SUM(emission_kg) FROM utility_usage WHERE month = CAST(:month AS DATE)) AS emissions_month_kg;
