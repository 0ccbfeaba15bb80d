-- Daily values of every meter over the window, for the per-customer files.
SELECT d.meter_id, d.day, d.total_kwh, d.avg_interval_kwh, d.intervals, d.peak_kwh
FROM meter_daily d
WHERE d.day > CAST(:from_day AS DATE) AND d.day <= CAST(:to_day AS DATE)
ORDER BY d.meter_id, d.day;
