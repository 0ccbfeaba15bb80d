-- A re-load of a run replaces its stage records (they describe the latest execution of the date).
DELETE FROM etl_run_stages WHERE run_id = CAST(:run_id AS VARCHAR(64));
