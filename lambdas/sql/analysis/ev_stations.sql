-- Every charging station with its place (a dimension: thousands of rows at most).
SELECT station_id, name, address, lon, lat, kind
FROM charging_stations
ORDER BY station_id;
