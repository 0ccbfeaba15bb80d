-- The meters that reported in [history_from_ts, to_ts) — those one execution loaded and those gone
-- silent (lambdas/steps/analyze/anomalies.ts) — in pages of page_size consecutive meter ids: the first
-- and last id of each page (one row per page). Detection reads and writes a page at a time, so no
-- statement returns more than a page's readings (the Data API caps a result set at 500 MB:
-- https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-troubleshooting.html).
SELECT MIN(meter_id) AS first_meter, MAX(meter_id) AS last_meter, COUNT(*) AS meters
FROM (
  SELECT meter_id, ROW_NUMBER() OVER (ORDER BY meter_id) - 1 AS n
  FROM (
    SELECT DISTINCT meter_id
    FROM meter_readings
    WHERE interval_start >= CAST(:history_from_ts AS TIMESTAMPTZ)
      AND interval_start < CAST(:to_ts AS TIMESTAMPTZ)
  ) reported
) numbered
GROUP BY FLOOR(n / CAST(:page_size AS INTEGER))
ORDER BY first_meter;
