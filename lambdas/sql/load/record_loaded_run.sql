-- The run record of one source after its load (status 'failed' when one of its files was rejected whole): rows_loaded = unique keys merged; keys repeated across
-- batches of the run count as duplicates. rows_in = rows_loaded + duplicates + quarantined.
-- Parameters are cast explicitly: the Redshift Data API sends every value as text.
INSERT INTO etl_runs (run_id, source, run_date, status, rows_in, rows_loaded, duplicates, quarantined, started_at, finished_at, error)
SELECT
  CAST(:run_id AS VARCHAR(64)), CAST(:source AS VARCHAR(32)), CAST(:run_date AS DATE), CAST(:status AS VARCHAR(16)),
  CAST(:rows_in AS BIGINT),
  COALESCE(SUM(c.uniq), 0),
  CAST(:duplicates AS BIGINT) + COALESCE(SUM(c.staged) - SUM(c.uniq), 0),
  CAST(:quarantined AS BIGINT),
  CAST(:started_at AS TIMESTAMPTZ), CAST(:finished_at AS TIMESTAMPTZ), CAST(:error AS VARCHAR(4096))
FROM load_counts c
WHERE c.source = CAST(:source AS VARCHAR(32));
