-- Upsert the deduplicated staging rows of utility_usage by its natural key (household_id, energy_type, month).
-- Portable MERGE (Redshift, Postgres 15+, DuckDB 1.4+): one WHEN MATCHED, one WHEN NOT MATCHED;
-- the target is referenced by name (Redshift has no target alias). stg_utility_usage holds unique keys.
MERGE INTO utility_usage
USING stg_utility_usage s
ON utility_usage.household_id = s.household_id AND utility_usage.energy_type = s.energy_type AND utility_usage.month = s.month
WHEN MATCHED THEN UPDATE SET
  amount = s.amount,
  unit = s.unit,
  emission_factor = s.emission_factor,
  emission_kg = s.emission_kg,
  run_id = s.run_id
WHEN NOT MATCHED THEN INSERT (household_id, energy_type, month, amount, unit, emission_factor, emission_kg, run_id)
VALUES (s.household_id, s.energy_type, s.month, s.amount, s.unit, s.emission_factor, s.emission_kg, s.run_id);
