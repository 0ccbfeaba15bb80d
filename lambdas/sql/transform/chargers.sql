-- chargers: validate and deduplicate EV chargers (DuckDB dialect, transform step).
-- Input: view source_rows(ord, station_id, charger_id, charger_type, output_kw, method,
-- reject_reason) as text. Variables: source, run_id.
-- charger_type is the national chgerType code 01–07 (the collector maps Seoul's Korean names).

CREATE OR REPLACE TEMP TABLE checked AS
WITH s AS (
  SELECT
    ord,
    nullif(trim(station_id), '') AS station_id,
    nullif(trim(charger_id), '') AS charger_id,
    nullif(trim(charger_type), '') AS charger_type,
    TRY_CAST(nullif(trim(output_kw), '') AS DOUBLE) AS output_kw,
    nullif(trim(output_kw), '') IS NOT NULL AS has_output,
    nullif(trim(method), '') AS method,
    nullif(trim(reject_reason), '') AS reject_reason
  FROM source_rows
)
SELECT
  s.*,
  CASE
    WHEN reject_reason IS NOT NULL THEN reject_reason
    WHEN station_id IS NULL OR charger_id IS NULL THEN 'missing field: station_id or charger_id'
    WHEN strlen(station_id) > 32 OR strlen(charger_id) > 16 THEN 'station_id longer than 32 or charger_id longer than 16 bytes'
    WHEN charger_type IS NULL OR charger_type NOT IN ('01', '02', '03', '04', '05', '06', '07') THEN 'charger_type not a national code 01–07'
    WHEN has_output AND (output_kw IS NULL OR NOT isfinite(output_kw) OR output_kw < 0 OR output_kw > 1000) THEN 'output_kw not a power from 0 to 1000 kW'
    WHEN method IS NOT NULL AND method NOT IN ('single', 'simultaneous') THEN 'method not single or simultaneous'
  END AS reason
FROM s;

-- A charger listed again with the same details is a duplicate; the first listing wins.
CREATE OR REPLACE TEMP VIEW curated AS
SELECT
  station_id::VARCHAR AS station_id,
  charger_id::VARCHAR AS charger_id,
  charger_type::VARCHAR AS charger_type,
  output_kw::DOUBLE AS output_kw,
  method::VARCHAR AS method,
  getvariable('source')::VARCHAR AS source,
  getvariable('run_id')::VARCHAR AS run_id
FROM checked
WHERE reason IS NULL
QUALIFY row_number() OVER (PARTITION BY station_id, charger_id ORDER BY ord) = 1;
