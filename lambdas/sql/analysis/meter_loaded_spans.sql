-- The meters whose readings one execution loaded, with the first and last interval it loaded for each
-- and the meter's timezone: anomaly detection covers the local days these loads touched (an import of
-- old history, a late file, a re-sent correction), not only the execution's dates. A reading's run_id
-- is the run that last wrote it (the MERGE sets it), and an execution's runs are the run ids from
-- first_run_id to last_run_id of one attempt (run_id_pattern, e.g. '%-a1'; see lambdas/steps/plan.ts).
-- One page of meters (first_meter … last_meter, meter_pages.sql) at a time.
SELECT r.meter_id, COALESCE(m.timezone, CAST(:default_timezone AS VARCHAR(64))) AS timezone,
  MIN(r.interval_start) AS first_loaded, MAX(r.interval_start) AS last_loaded
FROM meter_readings r
LEFT JOIN meters m ON m.meter_id = r.meter_id
WHERE r.meter_id >= :first_meter
  AND r.meter_id <= :last_meter
  AND r.run_id >= :first_run_id
  AND r.run_id <= :last_run_id
  AND r.run_id LIKE :run_id_pattern
GROUP BY r.meter_id, COALESCE(m.timezone, CAST(:default_timezone AS VARCHAR(64)))
ORDER BY r.meter_id;
