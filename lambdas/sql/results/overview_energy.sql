-- Energy KPIs around the as-of day: that day, the last 30 days and the 30 days before.
SELECT
  SUM(CASE WHEN d.day = CAST(:as_of AS DATE) THEN d.total_kwh END) AS today_kwh,
  SUM(CASE WHEN d.day > CAST(:last30_from AS DATE) AND d.day <= CAST(:as_of AS DATE) THEN d.total_kwh END) AS last30_kwh,
  SUM(CASE WHEN d.day > CAST(:prev30_from AS DATE) AND d.day <= CAST(:last30_from AS DATE) THEN d.total_kwh END) AS prev30_kwh,
  COUNT(DISTINCT CASE WHEN d.day > CAST(:active_from AS DATE) AND d.day <= CAST(:as_of AS DATE) THEN d.meter_id END) AS active_meters
FROM meter_daily d
WHERE d.day > CAST(:prev30_from AS DATE) AND d.day <= CAST(:as_of AS DATE);
