-- Upsert the deduplicated staging rows of meter_readings by its natural key (meter_id, interval_start).
-- Portable MERGE (Redshift, Postgres 15+, DuckDB 1.4+): one WHEN MATCHED, one WHEN NOT MATCHED;
-- the target is referenced by name (Redshift has no target alias). stg_meter_readings holds unique keys,
-- and no row older (received_at) than the target's version of it: the load removed those from staging,
-- as Redshift's MERGE takes no condition on WHEN MATCHED.
MERGE INTO meter_readings
USING stg_meter_readings s
ON meter_readings.meter_id = s.meter_id AND meter_readings.interval_start = s.interval_start
WHEN MATCHED THEN UPDATE SET
  interval_minutes = s.interval_minutes,
  kwh = s.kwh,
  source = s.source,
  run_id = s.run_id,
  received_at = s.received_at
WHEN NOT MATCHED THEN INSERT (meter_id, interval_start, interval_minutes, kwh, source, run_id, received_at)
VALUES (s.meter_id, s.interval_start, s.interval_minutes, s.kwh, s.source, s.run_id, s.received_at);
