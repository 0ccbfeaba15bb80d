-- Monthly usage per household and energy type for months starting in [from_day, to_day].
SELECT household_id, energy_type, month, amount, unit
FROM utility_usage
WHERE month >= CAST(:from_day AS DATE) AND month <= CAST(:to_day AS DATE)
ORDER BY household_id, energy_type, month;
