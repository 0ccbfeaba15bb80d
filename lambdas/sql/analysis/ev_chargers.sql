-- Every charger with its type and output (a dimension: tens of thousands of rows at most).
SELECT station_id, charger_id, charger_type, output_kw
FROM chargers
ORDER BY station_id, charger_id;
