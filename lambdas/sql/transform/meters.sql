-- meters: validate and deduplicate meter registry records (DuckDB dialect, transform step).
-- Input: view source_rows(ord, meter_id, timezone, area, tariff) as text. Variables: source, run_id.
-- A timezone must be an IANA name DuckDB (ICU) knows, because local days are computed with it.

-- A table, not a view: the quarantine, the counts and the curated file all read it (collector
-- output is small; a view would re-run the checks for each).
CREATE OR REPLACE TEMP TABLE checked AS
WITH s AS (
  SELECT
    ord,
    nullif(trim(meter_id), '') AS meter_id,
    nullif(trim(timezone), '') AS timezone,
    nullif(trim(area), '') AS area,
    nullif(trim(tariff), '') AS tariff
  FROM source_rows
)
SELECT
  s.*,
  CASE
    WHEN meter_id IS NULL THEN 'missing field: meter_id'
    WHEN timezone IS NULL THEN 'missing field: timezone'
    WHEN strlen(meter_id) > 64 THEN 'meter_id longer than 64 bytes (UTF-8)'
    WHEN timezone NOT IN (SELECT name FROM pg_timezone_names()) THEN 'unknown timezone (expected an IANA name such as Europe/London)'
    WHEN strlen(area) > 64 OR strlen(tariff) > 64 THEN 'area or tariff longer than 64 bytes (UTF-8)'
  END AS reason
FROM s;

-- The last record of a meter in file order wins (a later record is the newer registry entry).
CREATE OR REPLACE TEMP VIEW curated AS
SELECT
  meter_id::VARCHAR AS meter_id,
  timezone::VARCHAR AS timezone,
  area::VARCHAR AS area,
  tariff::VARCHAR AS tariff,
  getvariable('source')::VARCHAR AS source,
  getvariable('run_id')::VARCHAR AS updated_run
FROM checked
WHERE reason IS NULL
QUALIFY row_number() OVER (PARTITION BY meter_id ORDER BY ord DESC) = 1;
