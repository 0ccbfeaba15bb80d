-- The run record is replaced, not appended: a re-run of the same run id leaves one row per source.
DELETE FROM etl_runs WHERE run_id = CAST(:run_id AS VARCHAR(64)) AND source = CAST(:source AS VARCHAR(32));
