-- Fleet totals per local day over the history window.
SELECT d.day AS day, SUM(d.total_kwh) AS total_kwh, COUNT(*) AS meters
FROM meter_daily d
WHERE d.day > CAST(:from_day AS DATE) AND d.day <= CAST(:to_day AS DATE)
GROUP BY d.day
ORDER BY d.day;
