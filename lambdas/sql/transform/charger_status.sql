-- charger_status: validate and deduplicate charger status snapshots (DuckDB dialect, transform step).
-- Input: view source_rows(ord, station_id, charger_id, observed_at, status_code, status_label,
-- last_charge_start, last_charge_end, charging_since, reject_reason) as text, instants ISO-8601
-- UTC. Variables: source, run_id.
-- Status codes (national): 1 communication error, 2 available, 3 charging, 4 stopped,
-- 5 inspecting, 9 unknown. A session ending before it starts was withheld by the collector.

CREATE OR REPLACE TEMP TABLE checked AS
WITH s AS (
  SELECT
    ord,
    nullif(trim(station_id), '') AS station_id,
    nullif(trim(charger_id), '') AS charger_id,
    TRY_CAST(nullif(trim(observed_at), '') AS TIMESTAMPTZ) AS observed_at,
    TRY_CAST(nullif(trim(status_code), '') AS INTEGER) AS status_code,
    nullif(trim(status_label), '') AS status_label,
    TRY_CAST(nullif(trim(last_charge_start), '') AS TIMESTAMPTZ) AS last_charge_start,
    TRY_CAST(nullif(trim(last_charge_end), '') AS TIMESTAMPTZ) AS last_charge_end,
    TRY_CAST(nullif(trim(charging_since), '') AS TIMESTAMPTZ) AS charging_since,
    (nullif(trim(last_charge_start), '') IS NOT NULL AND TRY_CAST(trim(last_charge_start) AS TIMESTAMPTZ) IS NULL)
      OR (nullif(trim(last_charge_end), '') IS NOT NULL AND TRY_CAST(trim(last_charge_end) AS TIMESTAMPTZ) IS NULL)
      OR (nullif(trim(charging_since), '') IS NOT NULL AND TRY_CAST(trim(charging_since) AS TIMESTAMPTZ) IS NULL) AS bad_session_time,
    nullif(trim(reject_reason), '') AS reject_reason
  FROM source_rows
)
SELECT
  s.*,
  CASE
    WHEN reject_reason IS NOT NULL THEN reject_reason
    WHEN station_id IS NULL OR charger_id IS NULL THEN 'missing field: station_id or charger_id'
    WHEN strlen(station_id) > 32 OR strlen(charger_id) > 16 THEN 'station_id longer than 32 or charger_id longer than 16 bytes'
    WHEN observed_at IS NULL THEN 'observed_at missing or not an ISO-8601 instant'
    WHEN status_code IS NULL OR status_code NOT IN (1, 2, 3, 4, 5, 9) THEN 'status_code not a national code (1, 2, 3, 4, 5, 9)'
    WHEN status_label IS NULL OR strlen(status_label) > 64 THEN 'status_label missing or longer than 64 bytes'
    WHEN bad_session_time THEN 'a session time is not an ISO-8601 instant'
    WHEN last_charge_end < last_charge_start THEN 'last charging session ends before it starts'
  END AS reason
FROM s;

-- One status per charger and snapshot: an exact repeat is a duplicate (the first wins).
CREATE OR REPLACE TEMP VIEW curated AS
SELECT
  station_id::VARCHAR AS station_id,
  charger_id::VARCHAR AS charger_id,
  observed_at::TIMESTAMPTZ AS observed_at,
  status_code::INTEGER AS status_code,
  status_label::VARCHAR AS status_label,
  last_charge_start::TIMESTAMPTZ AS last_charge_start,
  last_charge_end::TIMESTAMPTZ AS last_charge_end,
  charging_since::TIMESTAMPTZ AS charging_since,
  getvariable('source')::VARCHAR AS source,
  getvariable('run_id')::VARCHAR AS run_id
FROM checked
WHERE reason IS NULL
QUALIFY row_number() OVER (PARTITION BY station_id, charger_id, observed_at ORDER BY ord) = 1;
