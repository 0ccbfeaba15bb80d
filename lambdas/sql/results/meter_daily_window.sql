-- Daily values over the window of the published customers (the top_n by consumption over the
-- window, as in meter_summaries.sql), for their per-customer files.
WITH published AS (
  SELECT meter_id
  FROM (
    SELECT d.meter_id, ROW_NUMBER() OVER (ORDER BY SUM(d.total_kwh) DESC, d.meter_id) AS meter_rank
    FROM meter_daily d
    JOIN meters m ON m.meter_id = d.meter_id
    WHERE d.day > CAST(:from_day AS DATE) AND d.day <= CAST(:to_day AS DATE)
    GROUP BY d.meter_id
  ) ranked
  WHERE meter_rank <= :top_n
)
SELECT d.meter_id, d.day, d.total_kwh, d.avg_interval_kwh, d.intervals, d.peak_kwh
FROM meter_daily d
JOIN published p ON p.meter_id = d.meter_id
WHERE d.day > CAST(:from_day AS DATE) AND d.day <= CAST(:to_day AS DATE)
ORDER BY d.meter_id, d.day;
