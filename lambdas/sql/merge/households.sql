-- Upsert the deduplicated staging rows of households by its natural key (household_id).
-- Portable MERGE (Redshift, Postgres 15+, DuckDB 1.4+): one WHEN MATCHED, one WHEN NOT MATCHED;
-- the target is referenced by name (Redshift has no target alias). stg_households holds unique keys.
MERGE INTO households
USING stg_households s
ON households.household_id = s.household_id
WHEN MATCHED THEN UPDATE SET
  building_id = s.building_id,
  floor = s.floor,
  unit = s.unit
WHEN NOT MATCHED THEN INSERT (household_id, building_id, floor, unit)
VALUES (s.household_id, s.building_id, s.floor, s.unit);
