-- buildings: validate and deduplicate the apartment complex's buildings (DuckDB dialect, transform step).
-- Input: view source_rows(ord, building_id, floors, units_per_floor, households) as text.

-- A table, not a view: the quarantine, the counts and the curated file all read it (collector
-- output is small; a view would re-run the checks for each).
CREATE OR REPLACE TEMP TABLE checked AS
WITH s AS (
  SELECT
    ord,
    TRY_CAST(trim(building_id) AS INTEGER) AS building_id,
    TRY_CAST(trim(floors) AS INTEGER) AS floors,
    TRY_CAST(trim(units_per_floor) AS INTEGER) AS units_per_floor,
    TRY_CAST(trim(households) AS INTEGER) AS households,
    nullif(trim(building_id), '') IS NULL OR nullif(trim(floors), '') IS NULL
      OR nullif(trim(units_per_floor), '') IS NULL OR nullif(trim(households), '') IS NULL AS missing
  FROM source_rows
)
SELECT
  s.*,
  CASE
    WHEN missing THEN 'missing field'
    WHEN building_id IS NULL OR floors IS NULL OR units_per_floor IS NULL OR households IS NULL THEN 'unparseable integer'
    WHEN building_id <= 0 OR floors <= 0 OR units_per_floor <= 0 OR households <= 0 THEN 'non-positive value'
    WHEN households <> floors * units_per_floor THEN 'households is not floors × units_per_floor'
  END AS reason
FROM s;

CREATE OR REPLACE TEMP VIEW curated AS
SELECT building_id::INTEGER AS building_id, floors::INTEGER AS floors, units_per_floor::INTEGER AS units_per_floor, households::INTEGER AS households
FROM checked
WHERE reason IS NULL
QUALIFY row_number() OVER (PARTITION BY building_id ORDER BY ord DESC) = 1;
