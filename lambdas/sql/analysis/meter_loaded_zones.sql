-- Per timezone, the first and last interval one execution loaded and how many meters it loaded
-- (one row per zone, whatever the fleet's size): anomaly detection derives its fleet-wide time grid
-- from these (the slices of time, the end of the last local day) so that every page of meters is
-- examined on the same grid. The run filters are those of anomaly_meters.sql.
SELECT COALESCE(m.timezone, CAST(:default_timezone AS VARCHAR(64))) AS timezone,
  MIN(r.interval_start) AS first_loaded, MAX(r.interval_start) AS last_loaded, COUNT(DISTINCT r.meter_id) AS meters
FROM meter_readings r
LEFT JOIN meters m ON m.meter_id = r.meter_id
WHERE r.run_id >= :first_run_id
  AND r.run_id <= :last_run_id
  AND r.run_id LIKE :run_id_pattern
GROUP BY COALESCE(m.timezone, CAST(:default_timezone AS VARCHAR(64)))
ORDER BY timezone;
