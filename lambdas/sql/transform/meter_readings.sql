-- meter_readings: validate, convert and deduplicate interval readings. DuckDB dialect: this runs in
-- the transform step (DuckDB in Lambda and locally), not in the warehouse.
--
-- Input: view source_rows(ord, meter_id, timestamp, value) — every field as written (VARCHAR), ord =
-- position in the file; table registry(meter_id, timezone) — the meters this batch may contain
-- (empty when the batch has no registry). Variables: unit_factor (1 for kwh, 0.001 for wh),
-- value_field, default_tz, max_kwh, interval_minutes, has_registry, source, run_id.
-- Output: view checked(ord, reason, ...) — reason NULL for a good row; view curated — the
-- meter_readings table's columns, one row per (meter_id, interval_start).
-- Rules (docs/TRANSFORM.md): a timestamp with an offset or Z is an instant; a naive one is a wall-clock
-- time in the meter's timezone. The grid is checked on the written wall clock.

CREATE OR REPLACE TEMP VIEW readings_parsed AS
WITH s AS (
  SELECT
    ord,
    nullif(trim(meter_id), '') AS meter_id,
    nullif(trim(timestamp), '') AS ts_text,
    nullif(trim(value), '') AS value_text
  FROM source_rows
)
SELECT
  s.ord,
  s.meter_id,
  s.ts_text,
  TRY_CAST(s.value_text AS DOUBLE) * getvariable('unit_factor') AS kwh,
  -- Casting to TIMESTAMP keeps the written wall clock (an offset, if any, is ignored here).
  TRY_CAST(s.ts_text AS TIMESTAMP) AS wall,
  -- An offset or Z follows the time part (from character 12 on: after 'YYYY-MM-DDT').
  coalesce(s.ts_text[-1:] IN ('Z', 'z') OR contains(s.ts_text[12:], '+') OR contains(s.ts_text[12:], '-'), false) AS has_offset,
  coalesce(g.timezone, getvariable('default_tz')) AS tz,
  (g.meter_id IS NOT NULL OR NOT getvariable('has_registry')) AS known,
  s.value_text
FROM s
LEFT JOIN registry g ON g.meter_id = s.meter_id;

CREATE OR REPLACE TEMP VIEW readings_prechecked AS
SELECT
  *,
  CASE WHEN has_offset THEN TRY_CAST(ts_text AS TIMESTAMPTZ) END AS offset_instant,
  CASE
    WHEN meter_id IS NULL THEN 'missing field: meter_id'
    WHEN ts_text IS NULL THEN 'missing field: timestamp'
    WHEN value_text IS NULL THEN 'missing field: ' || getvariable('value_field')
    WHEN length(meter_id) > 64 THEN 'meter_id longer than 64 characters'
    WHEN kwh IS NULL OR NOT isfinite(kwh) THEN 'unparseable number in ' || getvariable('value_field')
    WHEN kwh < 0 THEN 'negative reading'
    WHEN kwh > getvariable('max_kwh') THEN 'above the per-interval maximum of ' || getvariable('max_kwh') || ' kWh'
    WHEN wall IS NULL OR (has_offset AND TRY_CAST(ts_text AS TIMESTAMPTZ) IS NULL) THEN 'unparseable or impossible timestamp'
    WHEN epoch_us(wall) % (getvariable('interval_minutes') * 60000000) <> 0
      THEN 'off the ' || getvariable('interval_minutes') || '-minute interval grid'
    WHEN NOT known THEN 'unknown meter'
  END AS pre_reason
FROM readings_parsed;

-- Naive wall-clock times → instants, once per distinct (timezone, wall) rather than once per row,
-- and with ICU (slow for a per-row timezone) called per distinct local day, not per wall:
-- the offsets in force 6 hours before the day and 6 hours after it are probed. Equal offsets (a
-- steady day, nearly all of them) → instant = wall − offset. Different offsets (a DST change day)
-- → both candidates wall − offset_before and wall − offset_after are checked: those that map back
-- to the same wall clock are valid. None valid: the time was skipped by a spring-forward change
-- (nonexistent). Two valid: it was repeated by a fall-back change (ambiguous: earlier and later).
CREATE OR REPLACE TEMP TABLE local_walls AS
WITH walls AS (
  SELECT DISTINCT tz, wall FROM readings_prechecked WHERE NOT has_offset AND wall IS NOT NULL
),
days AS (
  SELECT tz, day, timezone(tz, day - INTERVAL 6 HOUR) AS p0, timezone(tz, day + INTERVAL 30 HOUR) AS p1
  FROM (SELECT DISTINCT tz, date_trunc('day', wall) AS day FROM walls)
),
day_offsets AS (
  SELECT tz, day, timezone(tz, p0) - p0::TIMESTAMP AS offset_before, timezone(tz, p1) - p1::TIMESTAMP AS offset_after
  FROM days
),
classified AS (
  SELECT w.tz, w.wall, d.offset_before, d.offset_after, d.offset_before = d.offset_after AS steady
  FROM walls w
  JOIN day_offsets d ON d.tz = w.tz AND d.day = date_trunc('day', w.wall)
),
change_day_candidates AS (
  SELECT tz, wall, unnest([(wall - offset_before)::TIMESTAMPTZ, (wall - offset_after)::TIMESTAMPTZ]) AS instant
  FROM classified
  WHERE NOT steady
)
SELECT tz, wall, (wall - offset_before)::TIMESTAMPTZ AS earlier, (wall - offset_before)::TIMESTAMPTZ AS later
FROM classified
WHERE steady
UNION ALL
SELECT
  tz,
  wall,
  min(instant) FILTER (WHERE timezone(tz, instant) = wall) AS earlier,
  max(instant) FILTER (WHERE timezone(tz, instant) = wall) AS later
FROM change_day_candidates
GROUP BY tz, wall;

CREATE OR REPLACE TEMP VIEW readings_resolved AS
SELECT
  p.*,
  w.earlier,
  w.later,
  (NOT p.has_offset AND coalesce(w.earlier < w.later, false)) AS ambiguous
FROM readings_prechecked p
-- Equality only in the join condition (keeps it a hash join); offset rows ignore the match.
LEFT JOIN local_walls w ON w.tz = p.tz AND w.wall = p.wall;

-- In a repeated (fall-back) hour the first reading of a meter at a wall time, in file order, is the
-- earlier instant and any later one the later instant. Only those few rows go through the window.
CREATE OR REPLACE TEMP VIEW checked AS
SELECT
  ord,
  meter_id,
  kwh,
  CASE WHEN has_offset THEN offset_instant ELSE earlier END AS interval_start,
  coalesce(pre_reason, CASE WHEN NOT has_offset AND earlier IS NULL THEN 'nonexistent local time (skipped by a DST change)' END) AS reason
FROM readings_resolved
WHERE NOT ambiguous
UNION ALL
SELECT
  ord,
  meter_id,
  kwh,
  CASE WHEN row_number() OVER (PARTITION BY meter_id, tz, wall ORDER BY ord) = 1 THEN earlier ELSE later END AS interval_start,
  pre_reason AS reason
FROM readings_resolved
WHERE ambiguous;

-- Duplicates: rows of the same (meter, instant). The last one in file order wins: for an exact
-- duplicate that changes nothing, for a re-sent reading it is the correction.
CREATE OR REPLACE TEMP VIEW curated AS
SELECT
  meter_id::VARCHAR AS meter_id,
  interval_start::TIMESTAMPTZ AS interval_start,
  getvariable('interval_minutes')::INTEGER AS interval_minutes,
  arg_max(kwh, ord)::DOUBLE AS kwh,
  getvariable('source')::VARCHAR AS source,
  getvariable('run_id')::VARCHAR AS run_id
FROM checked
WHERE reason IS NULL
GROUP BY meter_id, interval_start;
