-- Open anomalies (detected in the last 7 days) and this month's emissions.
SELECT
  (SELECT COUNT(*) FROM anomalies WHERE occurred_at >= CAST(:week_from AS TIMESTAMPTZ)) AS open_anomalies,
  (SELECT SUM(emission_kg) FROM utility_usage WHERE month = CAST(:month AS DATE)) AS emissions_month_kg;
