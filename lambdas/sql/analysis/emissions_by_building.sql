-- Usage and emissions per building, energy type, month and unit for months in [from_day, to_day].
SELECT
  h.building_id AS building,
  u.energy_type,
  u.month,
  u.unit,
  SUM(u.amount) AS amount,
  SUM(u.emission_kg) AS emission_kg
FROM utility_usage u
JOIN households h ON h.household_id = u.household_id
WHERE u.month >= CAST(:from_day AS DATE) AND u.month <= CAST(:to_day AS DATE)
GROUP BY h.building_id, u.energy_type, u.month, u.unit
ORDER BY h.building_id, u.energy_type, u.month, u.unit;
