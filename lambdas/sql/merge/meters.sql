-- Upsert the deduplicated staging rows of meters by its natural key (meter_id).
-- Portable MERGE (Redshift, Postgres 15+, DuckDB 1.4+): one WHEN MATCHED, one WHEN NOT MATCHED;
-- the target is referenced by name (Redshift has no target alias). stg_meters holds unique keys.
MERGE INTO meters
USING stg_meters s
ON meters.meter_id = s.meter_id
WHEN MATCHED THEN UPDATE SET
  timezone = s.timezone,
  area = s.area,
  tariff = s.tariff,
  source = s.source,
  updated_run = s.updated_run
WHEN NOT MATCHED THEN INSERT (meter_id, timezone, area, tariff, source, updated_run)
VALUES (s.meter_id, s.timezone, s.area, s.tariff, s.source, s.updated_run);
