-- sensor_readings: validate and deduplicate flow-meter minutes (DuckDB dialect, transform step).
-- Input: view source_rows(ord, device_id, timestamp, flow_lpm, pressure_bar, reject_reason) as text:
-- timestamp an ISO-8601 instant (with Z or an offset), flow in L/min, pressure in bar (empty or null
-- for a flow-only meter). reject_reason is the import reader's verdict on a logger row it could not
-- read (lambdas/sources/flow-sensors/read-sensor-csv.ts: the file, line and fix); collectors write it
-- null. Variables: source, run_id.
-- Limits as the reader's: flow 0 … 50,000 L/min (a 1 m main at 1 m/s is ~47,000), gauge pressure
-- −1 … 100 bar (slightly below 0 is a vacuum, not an error).

-- A table, not a view: the quarantine, the counts and the curated file all read it.
CREATE OR REPLACE TEMP TABLE checked AS
WITH s AS (
  SELECT
    ord,
    nullif(trim(device_id), '') AS device_id,
    nullif(trim(timestamp), '') AS ts_text,
    nullif(trim(flow_lpm), '') AS flow_text,
    nullif(trim(pressure_bar), '') AS pressure_text,
    TRY_CAST(nullif(trim(timestamp), '') AS TIMESTAMPTZ) AS minute,
    TRY_CAST(nullif(trim(flow_lpm), '') AS DOUBLE) AS flow_lpm,
    TRY_CAST(nullif(trim(pressure_bar), '') AS DOUBLE) AS pressure_bar,
    nullif(trim(reject_reason), '') AS reject_reason
  FROM source_rows
)
SELECT
  s.*,
  CASE
    WHEN reject_reason IS NOT NULL THEN reject_reason
    WHEN device_id IS NULL THEN 'device_id is missing'
    WHEN NOT regexp_full_match(device_id, '[A-Za-z0-9][A-Za-z0-9._-]{0,63}') THEN 'device_id is not a device id: use 1–64 letters, digits, ".", "_" or "-"'
    WHEN ts_text IS NULL THEN 'timestamp is missing'
    WHEN minute IS NULL OR NOT regexp_matches(ts_text, '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$') THEN 'timestamp is not an ISO-8601 instant with Z or an offset (e.g. 2026-12-01T09:30:00Z)'
    WHEN epoch_ms(minute) % 60000 <> 0 THEN 'timestamp is not on the minute (seconds must be :00)'
    WHEN flow_text IS NULL OR lower(flow_text) IN ('?', 'na', 'n/a', 'nan', 'null', 'none', '-', '--') THEN 'flow_lpm is missing'
    WHEN flow_lpm IS NULL OR NOT isfinite(flow_lpm) THEN 'flow_lpm is not a number: write a plain decimal such as 12.5'
    WHEN flow_lpm < 0 THEN 'flow_lpm is negative: a flow meter reports forward flow in L/min'
    WHEN flow_lpm > 50000 THEN 'flow_lpm is above 50,000 L/min: check the unit (m³/h × 16.67 = L/min)'
    WHEN lower(pressure_text) IN ('?', 'na', 'n/a', 'nan', 'null', 'none', '-', '--') THEN 'pressure_bar is missing (leave it empty for a flow-only meter)'
    WHEN pressure_text IS NOT NULL AND (pressure_bar IS NULL OR NOT isfinite(pressure_bar)) THEN 'pressure_bar is not a number: write a plain decimal such as 4.25'
    WHEN pressure_bar < -1 OR pressure_bar > 100 THEN 'pressure_bar is outside −1 … 100 bar: check the unit (kPa ÷ 100 = bar, psi ÷ 14.5 = bar)'
  END AS reason
FROM s;

-- One reading per device and minute: the later row is the logger's correction, and wins.
CREATE OR REPLACE TEMP VIEW curated AS
SELECT
  device_id::VARCHAR AS device_id,
  minute::TIMESTAMPTZ AS minute,
  flow_lpm::DOUBLE AS flow_lpm,
  pressure_bar::DOUBLE AS pressure_bar,
  getvariable('source')::VARCHAR AS source,
  getvariable('run_id')::VARCHAR AS run_id
FROM checked
WHERE reason IS NULL
QUALIFY row_number() OVER (PARTITION BY device_id, minute ORDER BY ord DESC) = 1;
