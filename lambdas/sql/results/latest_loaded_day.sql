-- The newest date any source loaded successfully: the dashboard describes the warehouse as of then,
-- so re-running an old date (a correction) updates its rows without rolling the dashboard back.
SELECT CAST(MAX(run_date) AS VARCHAR) AS day FROM etl_runs WHERE status = 'succeeded';
