-- households: validate and deduplicate apartments (DuckDB dialect, transform step).
-- Input: view source_rows(ord, household_id, building_id, floor, unit) as text.

-- A table, not a view: the quarantine, the counts and the curated file all read it (collector
-- output is small; a view would re-run the checks for each).
CREATE OR REPLACE TEMP TABLE checked AS
WITH s AS (
  SELECT
    ord,
    nullif(trim(household_id), '') AS household_id,
    TRY_CAST(trim(building_id) AS INTEGER) AS building_id,
    TRY_CAST(trim(floor) AS INTEGER) AS floor,
    TRY_CAST(trim(unit) AS INTEGER) AS unit,
    nullif(trim(building_id), '') IS NULL OR nullif(trim(floor), '') IS NULL OR nullif(trim(unit), '') IS NULL AS missing
  FROM source_rows
)
SELECT
  s.*,
  CASE
    WHEN household_id IS NULL OR missing THEN 'missing field'
    WHEN strlen(household_id) > 16 THEN 'household_id longer than 16 bytes (UTF-8)'
    WHEN building_id IS NULL OR floor IS NULL OR unit IS NULL THEN 'unparseable integer'
    WHEN building_id <= 0 OR floor <= 0 OR unit <= 0 THEN 'non-positive value'
  END AS reason
FROM s;

CREATE OR REPLACE TEMP VIEW curated AS
SELECT household_id::VARCHAR AS household_id, building_id::INTEGER AS building_id, floor::INTEGER AS floor, unit::INTEGER AS unit
FROM checked
WHERE reason IS NULL
QUALIFY row_number() OVER (PARTITION BY household_id ORDER BY ord DESC) = 1;
