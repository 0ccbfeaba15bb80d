-- meter_readings: validate, convert and deduplicate interval readings. DuckDB dialect: this runs in
-- the transform step (DuckDB in Lambda and locally), not in the warehouse.
--
-- Input: view source_rows(meter_id, timestamp, value, raw_fields, c0..cN) — every field as written
-- (VARCHAR), in file order; c0..cN are the raw fields one by one; table registry(meter_id, timezone) — the meters this batch may contain (empty when
-- the batch has no registry). Variables: unit_factor (1 for kwh, 0.001 for wh), decimal_comma (true for
-- ;- and tab-separated CSVs, whose values use a decimal comma), value_field, default_tz, max_kwh,
-- interval_minutes, has_registry, source, run_id, received_at (when the file was received; NULL if unknown).
-- Output: view checked(ord, reason) — one row per source row; view rejected(ord, reason, raw_fields)
-- — every rejected row (raw_fields NULL where the row must be read again); view curated — the
-- meter_readings table's columns, one row per (meter_id, interval_start).
-- Rules (docs/TRANSFORM.md): a timestamp with an offset or Z is an instant; a naive one is a wall-clock
-- time in the meter's timezone. The grid is checked on the written wall clock.
--
-- Cost model (10M rows): the file is scanned once; each row is parsed, typed and checked in that scan
-- and written to a narrow Parquet file (ord = position), whose columns later statements read back.
-- Raw text is kept only for rejected rows. Per-row work avoids ICU: timezones become integer ids, and
-- naive times are converted through a small table of distinct (timezone id, wall) values.

-- Surrounding spaces are rare: trim only the values that have them (trim copies every string).
CREATE OR REPLACE TEMP MACRO trimmed(v) AS CASE WHEN starts_with(v, ' ') OR ends_with(v, ' ') THEN trim(v) ELSE v END;
CREATE OR REPLACE TEMP MACRO blank(v) AS v IS NULL OR trim(v) = '';
-- ISO 8601 spellings DuckDB's casts refuse, rewritten to ones they accept: a lowercase z, a space
-- before the offset, no seconds before an offset or zone (2026-11-01T06:00Z). Only rows whose cast
-- failed go through it.
CREATE OR REPLACE TEMP MACRO iso_spelling(ts) AS regexp_replace(
  regexp_replace(regexp_replace(ts, '\s+([+-][0-9])', '\1'), 'z$', 'Z'),
  '^([0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2})([^:0-9].*)?$', '\1:00\2');
-- The written wall clock of an ISO timestamp, without what follows it (an offset or a zone name).
CREATE OR REPLACE TEMP MACRO written_clock(ts) AS TRY_CAST(regexp_extract(ts, '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?') AS TIMESTAMP);

CREATE OR REPLACE TEMP TABLE zones AS
SELECT tz, (row_number() OVER (ORDER BY tz))::INTEGER AS tz_id
FROM (SELECT getvariable('default_tz') AS tz UNION SELECT timezone FROM registry WHERE timezone IS NOT NULL);

SET VARIABLE default_tz_id = (SELECT tz_id FROM zones WHERE tz = getvariable('default_tz'));

CREATE OR REPLACE TEMP TABLE registry_zones AS
SELECT g.meter_id, z.tz_id FROM registry g JOIN zones z ON z.tz = coalesce(g.timezone, getvariable('default_tz'));

-- One scan of the raw rows: typed values and the first reason that applies (the DST check, which
-- needs the distinct local times, comes after).
CREATE OR REPLACE TEMP VIEW prechecked AS
WITH s AS (
  SELECT
    COLUMNS('^c[0-9]+$'),
    nullif(trimmed(meter_id), '') AS meter_id,
    trimmed(timestamp) AS ts_text,
    value AS value_text,
    -- casts ignore surrounding spaces; an empty or blank value casts to NULL. A decimal comma (0,25 in a
    -- ;- or tab-separated file) is a decimal point; getvariable is a constant, so a comma-separated file
    -- pays nothing for the CASE (the optimizer folds it away).
    TRY_CAST(CASE WHEN getvariable('decimal_comma') THEN replace(value, ',', '.') ELSE value END AS DOUBLE) * getvariable('unit_factor') AS kwh,
    -- Casting to TIMESTAMP keeps the written wall clock (an offset, if any, is ignored here).
    TRY_CAST(timestamp AS TIMESTAMP) AS wall_cast
  FROM source_rows
),
o AS (
  SELECT
    *,
    -- An offset (+09:00, -0500, Z) or a zone name (UTC, JST, Asia/Tokyo) follows the time part:
    -- from character 12 on, after 'YYYY-MM-DDT', any sign or letter. ('+' never appears in the date.)
    -- A zone name makes the text longer than 'YYYY-MM-DD HH:MM:SS' (19): plain times skip the regex.
    coalesce(
      ends_with(ts_text, 'Z') OR ends_with(ts_text, 'z') OR contains(ts_text, '+') OR contains(ts_text[12:], '-')
        OR (strlen(ts_text) > 19 AND regexp_matches(ts_text[12:], '[A-Za-z]')),
      false) AS has_offset
  FROM s
),
offset_casts AS (
  SELECT *, CASE WHEN has_offset THEN TRY_CAST(ts_text AS TIMESTAMPTZ) END AS offset_cast FROM o
),
f AS (
  SELECT
    *,
    CASE WHEN (wall_cast IS NULL OR (has_offset AND offset_cast IS NULL)) AND contains(ts_text, ':') THEN iso_spelling(ts_text) END AS ts_fixed
  FROM offset_casts
),
t AS (
  SELECT
    f.* EXCLUDE (wall_cast, offset_cast, ts_fixed),
    -- A zone name (… UTC) fails the TIMESTAMP cast: its clock is the text before the name.
    coalesce(wall_cast, written_clock(coalesce(ts_fixed, ts_text))) AS wall,
    coalesce(offset_cast, CASE WHEN has_offset THEN TRY_CAST(ts_fixed AS TIMESTAMPTZ) END) AS offset_instant,
    coalesce(g.tz_id, getvariable('default_tz_id')) AS tz_id,
    (g.meter_id IS NOT NULL OR NOT getvariable('has_registry')) AS known
  FROM f
  LEFT JOIN registry_zones g ON g.meter_id = f.meter_id
),
c AS (
  SELECT
    *,
    CASE
      WHEN meter_id IS NULL THEN 'missing field: meter_id'
      WHEN wall IS NULL AND blank(ts_text) THEN 'missing field: timestamp'
      WHEN kwh IS NULL AND blank(value_text) THEN 'missing field: ' || getvariable('value_field')
      -- exports write a missing reading as a word (the London trial: Null): missing, said as written
      WHEN kwh IS NULL AND lower(trim(value_text)) IN ('null', 'na', 'n/a', 'none')
        THEN 'missing field: ' || getvariable('value_field') || ' (written as "' || trim(value_text) || '")'
      -- The warehouse column is VARCHAR(64), and Redshift counts VARCHAR lengths in bytes (UTF-8):
      -- https://docs.aws.amazon.com/redshift/latest/dg/r_Character_types.html
      WHEN strlen(meter_id) > 64 THEN 'meter_id longer than 64 bytes (UTF-8)'
      -- DuckDB's cast reads 1_000 as 1000: a digit separator is not a reading anyone wrote on purpose
      WHEN kwh IS NULL OR NOT isfinite(kwh) OR contains(value_text, '_') THEN 'unparseable number in ' || getvariable('value_field')
      WHEN kwh < 0 THEN 'negative reading'
      WHEN kwh > getvariable('max_kwh') THEN 'above the per-interval maximum of ' || getvariable('max_kwh') || ' kWh'
      -- a date alone would load as a reading at midnight: the start of the interval is missing
      WHEN NOT contains(ts_text, ':') AND TRY_CAST(ts_text AS DATE) IS NOT NULL THEN 'timestamp without a time of day'
      WHEN wall IS NULL OR (has_offset AND offset_instant IS NULL) THEN 'unparseable or impossible timestamp'
      -- DuckDB reads year 0 and years BC (-0001 is 0002 BC) and years past 9999, which Parquet
      -- readers, the warehouse and the dashboard disagree on: refused here, with a reason.
      -- The instant is compared with the bounds, not through year(): year() of a TIMESTAMPTZ goes
      -- through ICU (~0.3 µs a row, a sixth of this scan) and gives the era's year (1 for year 0).
      WHEN year(wall) < 1 OR year(wall) > 9999
        OR offset_instant < TIMESTAMPTZ '0001-01-01 00:00:00+00' OR offset_instant >= TIMESTAMPTZ '10000-01-01 00:00:00+00' THEN 'year outside 1..9999'
      -- DuckDB accepts any offset (+25:00); real UTC offsets lie within -12:00..+14:00, so a larger
      -- one is a typo. The written clock minus the instant is the offset.
      WHEN has_offset AND abs(epoch(wall) - epoch(offset_instant)) > 14 * 3600 THEN 'UTC offset beyond ±14:00'
      WHEN epoch_us(wall) % (getvariable('interval_minutes')::BIGINT * 60000000) <> 0
        THEN 'off the ' || getvariable('interval_minutes') || '-minute interval grid'
      -- A reading cannot start after the run's clock (a typo'd year would keep the dashboard "fresh"
      -- forever). A naive wall clock is in the future everywhere once it is 14 h past UTC now.
      WHEN offset_instant > getvariable('not_after')::TIMESTAMPTZ OR (NOT has_offset AND wall > getvariable('not_after_naive')::TIMESTAMP) THEN 'timestamp in the future'
      WHEN NOT known THEN 'unknown meter'
    END AS reason
  FROM t
),
r AS (SELECT *, reason IS NOT NULL AS rejected FROM c)
SELECT
  meter_id,
  CASE WHEN NOT has_offset THEN wall END AS wall,
  offset_instant,
  kwh,
  tz_id,
  reason,
  -- the raw text of rejected rows only (*COLUMNS cannot sit beside an operator: a plain flag)
  CASE WHEN rejected THEN list_value(*COLUMNS('^c[0-9]+$')) END AS raw_fields
FROM r;

-- @materialize prechecked

-- Naive wall-clock times → instants, once per distinct (timezone, wall) rather than once per row,
-- and with ICU (slow for a per-row timezone) called per distinct local day, not per wall:
-- the offsets in force 6 hours before the day and 6 hours after it are probed. Equal offsets (a
-- steady day, nearly all of them) → instant = wall − offset. Different offsets (a DST change day)
-- → both candidates wall − offset_before and wall − offset_after are checked: those that map back
-- to the same wall clock are valid. None valid: the time was skipped by a spring-forward change
-- (nonexistent). Two valid: it was repeated by a fall-back change (ambiguous: earlier and later).
CREATE OR REPLACE TEMP TABLE local_walls AS
WITH walls AS (
  SELECT w.tz_id, z.tz, w.wall
  FROM (SELECT DISTINCT tz_id, wall FROM prechecked_rows WHERE reason IS NULL AND wall IS NOT NULL) w
  JOIN zones z ON z.tz_id = w.tz_id
),
days AS (
  SELECT tz_id, tz, day, timezone(tz, day - INTERVAL 6 HOUR) AS p0, timezone(tz, day + INTERVAL 30 HOUR) AS p1
  FROM (SELECT DISTINCT tz_id, tz, date_trunc('day', wall) AS day FROM walls)
),
day_offsets AS (
  SELECT tz_id, day, timezone(tz, p0) - p0::TIMESTAMP AS offset_before, timezone(tz, p1) - p1::TIMESTAMP AS offset_after
  FROM days
),
classified AS (
  SELECT w.tz_id, w.tz, w.wall, d.offset_before, d.offset_after, d.offset_before = d.offset_after AS steady
  FROM walls w
  JOIN day_offsets d ON d.tz_id = w.tz_id AND d.day = date_trunc('day', w.wall)
),
change_day_candidates AS (
  SELECT tz_id, tz, wall, unnest([(wall - offset_before)::TIMESTAMPTZ, (wall - offset_after)::TIMESTAMPTZ]) AS instant
  FROM classified
  WHERE NOT steady
)
SELECT tz_id, wall, (wall - offset_before)::TIMESTAMPTZ AS earlier, (wall - offset_before)::TIMESTAMPTZ AS later
FROM classified
WHERE steady
UNION ALL
SELECT
  tz_id,
  wall,
  min(instant) FILTER (WHERE timezone(tz, instant) = wall) AS earlier,
  max(instant) FILTER (WHERE timezone(tz, instant) = wall) AS later
FROM change_day_candidates
GROUP BY tz_id, tz, wall;

-- In a repeated (fall-back) hour the first reading of a meter at a wall time, in file order, is the
-- earlier instant and any later one the later instant. Only those few rows go through the window.
CREATE OR REPLACE TEMP TABLE ambiguous_instants AS
SELECT
  p.ord,
  CASE WHEN row_number() OVER (PARTITION BY p.meter_id, p.tz_id, p.wall ORDER BY p.ord) = 1 THEN w.earlier ELSE w.later END AS instant
FROM prechecked_rows p
JOIN (SELECT tz_id, wall, earlier, later FROM local_walls WHERE earlier < later) w ON w.tz_id = p.tz_id AND w.wall = p.wall
WHERE p.reason IS NULL;

CREATE OR REPLACE TEMP VIEW checked AS
SELECT ord, reason FROM prechecked_rows;

CREATE OR REPLACE TEMP VIEW rejected AS
SELECT ord, reason, raw_fields FROM prechecked_rows WHERE reason IS NOT NULL
UNION ALL
SELECT p.ord, 'nonexistent local time (skipped by a DST change)' AS reason, NULL::VARCHAR[] AS raw_fields
FROM prechecked_rows p
JOIN (SELECT tz_id, wall FROM local_walls WHERE earlier IS NULL) w ON w.tz_id = p.tz_id AND w.wall = p.wall
WHERE p.reason IS NULL;

-- Duplicates: rows of the same (meter, instant). The last one in file order wins: for an exact
-- duplicate that changes nothing, for a re-sent reading it is the correction. Nonexistent local
-- times have no instant and are left out (they are in `rejected`).
CREATE OR REPLACE TEMP VIEW curated AS
SELECT
  meter_id::VARCHAR AS meter_id,
  interval_start::TIMESTAMPTZ AS interval_start,
  getvariable('interval_minutes')::INTEGER AS interval_minutes,
  arg_max(kwh, ord)::DOUBLE AS kwh,
  getvariable('source')::VARCHAR AS source,
  getvariable('run_id')::VARCHAR AS run_id,
  getvariable('received_at')::TIMESTAMPTZ AS received_at
FROM (
  SELECT p.ord, p.meter_id, p.kwh, coalesce(p.offset_instant, a.instant, w.earlier) AS interval_start
  FROM prechecked_rows p
  LEFT JOIN local_walls w ON w.tz_id = p.tz_id AND w.wall = p.wall
  LEFT JOIN ambiguous_instants a ON a.ord = p.ord
  WHERE p.reason IS NULL
)
WHERE interval_start IS NOT NULL
GROUP BY meter_id, interval_start;
