-- Upsert the deduplicated staging rows of buildings by its natural key (building_id).
-- Portable MERGE (Redshift, Postgres 15+, DuckDB 1.4+): one WHEN MATCHED, one WHEN NOT MATCHED;
-- the target is referenced by name (Redshift has no target alias). stg_buildings holds unique keys.
MERGE INTO buildings
USING stg_buildings s
ON buildings.building_id = s.building_id
WHEN MATCHED THEN UPDATE SET
  floors = s.floors,
  units_per_floor = s.units_per_floor,
  households = s.households
WHEN NOT MATCHED THEN INSERT (building_id, floors, units_per_floor, households)
VALUES (s.building_id, s.floors, s.units_per_floor, s.households);
