-- charging_stations: validate and deduplicate EV charging stations (DuckDB dialect, transform step).
-- Input: view source_rows(ord, station_id, name, address, lon, lat, usage_time, parking_fee,
-- access_limited, kind, reject_reason) as text. Variables: source, run_id.
-- The ev-chargers collector has already read the source layout (lambdas/sources/ev-chargers/):
-- a row it could not read arrives with reject_reason set and is quarantined with that reason; a
-- station listed again arrives again after its first listing, which carries the merged details.

CREATE OR REPLACE TEMP TABLE checked AS
WITH s AS (
  SELECT
    ord,
    nullif(trim(station_id), '') AS station_id,
    nullif(trim(name), '') AS name,
    nullif(trim(address), '') AS address,
    TRY_CAST(nullif(trim(lon), '') AS DOUBLE) AS lon,
    TRY_CAST(nullif(trim(lat), '') AS DOUBLE) AS lat,
    nullif(trim(lon), '') IS NOT NULL AS has_lon,
    nullif(trim(lat), '') IS NOT NULL AS has_lat,
    nullif(trim(usage_time), '') AS usage_time,
    TRY_CAST(nullif(trim(parking_fee), '') AS BOOLEAN) AS parking_fee,
    TRY_CAST(nullif(trim(access_limited), '') AS BOOLEAN) AS access_limited,
    nullif(trim(parking_fee), '') IS NOT NULL AS has_parking_fee,
    nullif(trim(access_limited), '') IS NOT NULL AS has_access_limited,
    nullif(trim(kind), '') AS kind,
    nullif(trim(reject_reason), '') AS reject_reason
  FROM source_rows
)
SELECT
  s.*,
  CASE
    WHEN reject_reason IS NOT NULL THEN reject_reason
    WHEN station_id IS NULL THEN 'missing field: station_id'
    WHEN name IS NULL THEN 'missing field: name'
    WHEN strlen(station_id) > 32 THEN 'station_id longer than 32 bytes (UTF-8)'
    WHEN strlen(name) > 512 OR strlen(address) > 512 OR strlen(usage_time) > 512 THEN 'name, address or usage_time longer than 512 bytes (UTF-8)'
    WHEN strlen(kind) > 128 THEN 'kind longer than 128 bytes (UTF-8)'
    WHEN (has_lon AND (lon IS NULL OR NOT isfinite(lon) OR lon < -180 OR lon > 180))
      OR (has_lat AND (lat IS NULL OR NOT isfinite(lat) OR lat < -90 OR lat > 90)) THEN 'lon/lat not degrees (lon −180…180, lat −90…90)'
    WHEN (has_parking_fee AND parking_fee IS NULL) OR (has_access_limited AND access_limited IS NULL) THEN 'parking_fee or access_limited not true/false'
  END AS reason
FROM s;

-- The first listing of a station wins: the collector put the merged details there.
CREATE OR REPLACE TEMP VIEW curated AS
SELECT
  station_id::VARCHAR AS station_id,
  name::VARCHAR AS name,
  address::VARCHAR AS address,
  lon::DOUBLE AS lon,
  lat::DOUBLE AS lat,
  usage_time::VARCHAR AS usage_time,
  parking_fee::BOOLEAN AS parking_fee,
  access_limited::BOOLEAN AS access_limited,
  kind::VARCHAR AS kind,
  getvariable('source')::VARCHAR AS source,
  getvariable('run_id')::VARCHAR AS run_id
FROM checked
WHERE reason IS NULL
QUALIFY row_number() OVER (PARTITION BY station_id ORDER BY ord) = 1;
