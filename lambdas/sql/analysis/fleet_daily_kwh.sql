-- Fleet consumption per local day in [from_day, to_day] (for the market correlation).
SELECT day, SUM(total_kwh) AS total_kwh
FROM meter_daily
WHERE day >= CAST(:from_day AS DATE) AND day <= CAST(:to_day AS DATE)
GROUP BY day
ORDER BY day;
