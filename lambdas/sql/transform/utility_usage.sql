-- utility_usage: validate monthly usage and compute emissions (DuckDB dialect, transform step).
-- Input: view source_rows(ord, household_id, energy_type, month, amount, unit) as text; table
-- emission_factors(energy_type, factor) from the configuration. Variables: run_id.
-- month is 'YYYY-MM' or the first day of the month 'YYYY-MM-01'; emission_kg = amount × factor.

-- A table, not a view: the quarantine, the counts and the curated file all read it (collector
-- output is small; a view would re-run the checks for each).
CREATE OR REPLACE TEMP TABLE checked AS
WITH s AS (
  SELECT
    ord,
    nullif(trim(household_id), '') AS household_id,
    nullif(lower(trim(energy_type)), '') AS energy_type,
    nullif(trim(month), '') AS month_text,
    TRY_CAST(CASE WHEN length(trim(month)) = 7 THEN trim(month) || '-01' ELSE trim(month) END AS DATE) AS month,
    nullif(trim(amount), '') AS amount_text,
    TRY_CAST(trim(amount) AS DOUBLE) AS amount,
    nullif(trim(unit), '') AS unit
  FROM source_rows
)
SELECT
  s.*,
  f.factor AS emission_factor,
  CASE
    WHEN household_id IS NULL OR s.energy_type IS NULL OR month_text IS NULL OR amount_text IS NULL OR unit IS NULL THEN 'missing field'
    WHEN strlen(household_id) > 16 OR strlen(unit) > 8 THEN 'household_id or unit too long (16 and 8 bytes, UTF-8)'
    WHEN f.factor IS NULL THEN 'unknown energy type (no emission factor configured)'
    WHEN month IS NULL THEN 'unparseable month (expected YYYY-MM or YYYY-MM-01)'
    WHEN year(month) < 1 OR year(month) > 9999 THEN 'year outside 1..9999'
    WHEN day(month) <> 1 THEN 'month is not the first day of a month'
    WHEN amount IS NULL OR NOT isfinite(amount) THEN 'unparseable number in amount'
    WHEN amount < 0 THEN 'negative amount'
  END AS reason
FROM s
LEFT JOIN emission_factors f ON f.energy_type = s.energy_type;

CREATE OR REPLACE TEMP VIEW curated AS
SELECT
  household_id::VARCHAR AS household_id,
  energy_type::VARCHAR AS energy_type,
  month::DATE AS month,
  amount::DOUBLE AS amount,
  unit::VARCHAR AS unit,
  emission_factor::DOUBLE AS emission_factor,
  (amount * emission_factor)::DOUBLE AS emission_kg,
  getvariable('run_id')::VARCHAR AS run_id
FROM checked
WHERE reason IS NULL
QUALIFY row_number() OVER (PARTITION BY household_id, energy_type, month ORDER BY ord DESC) = 1;
