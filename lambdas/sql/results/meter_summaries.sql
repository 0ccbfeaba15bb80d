-- One line per meter with data in the window: days present, total and average daily kWh.
SELECT m.meter_id, m.area, m.tariff, m.timezone,
       COUNT(*) AS days, SUM(d.total_kwh) AS total_kwh, AVG(d.total_kwh) AS avg_daily_kwh
FROM meter_daily d
JOIN meters m ON m.meter_id = d.meter_id
WHERE d.day > CAST(:from_day AS DATE) AND d.day <= CAST(:to_day AS DATE)
GROUP BY m.meter_id, m.area, m.tariff, m.timezone
ORDER BY m.meter_id;
