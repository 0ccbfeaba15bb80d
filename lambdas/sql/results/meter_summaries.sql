-- The published customers: the top_n meters by consumption over the window (kWh, then meter id, so
-- the choice is stable), one line each with days present, total and average daily kWh, and the
-- number of customers with data in the window (meters: the same on every line). A utility of a
-- million meters publishes per-customer files for these only (docs/DASHBOARD.md): one line per meter
-- would be a million rows through the Data API and a million S3 objects a day.
WITH per_meter AS (
  SELECT m.meter_id, m.area, m.tariff, m.timezone,
         COUNT(*) AS days, SUM(d.total_kwh) AS total_kwh, AVG(d.total_kwh) AS avg_daily_kwh
  FROM meter_daily d
  JOIN meters m ON m.meter_id = d.meter_id
  WHERE d.day > CAST(:from_day AS DATE) AND d.day <= CAST(:to_day AS DATE)
  GROUP BY m.meter_id, m.area, m.tariff, m.timezone
),
ranked AS (
  SELECT meter_id, area, tariff, timezone, days, total_kwh, avg_daily_kwh,
         ROW_NUMBER() OVER (ORDER BY total_kwh DESC, meter_id) AS meter_rank,
         COUNT(*) OVER () AS meters
  FROM per_meter
)
SELECT meter_id, area, tariff, timezone, days, total_kwh, avg_daily_kwh, meters
FROM ranked
WHERE meter_rank <= :top_n
ORDER BY meter_id;
