-- The flow meters whose readings one execution loaded, with the first and last minute it loaded for
-- each: the flow analysis covers the local days these loads touched (a logger import of old history,
-- a late file), not only the execution's dates. A reading's run_id is the run that last wrote it (the
-- MERGE sets it); an execution's runs are first_run_id … last_run_id of one attempt (run_id_pattern).
SELECT device_id, MIN(minute) AS first_loaded, MAX(minute) AS last_loaded
FROM sensor_readings
WHERE run_id >= :first_run_id
  AND run_id <= :last_run_id
  AND run_id LIKE :run_id_pattern
GROUP BY device_id
ORDER BY device_id;
