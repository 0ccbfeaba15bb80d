-- The readings between two instants of the published customers (the top_n by consumption over the
-- day window (from_day, to_day], as in meter_summaries.sql), twelve to a row: one row per meter, local day and block of 12
-- consecutive slots of that day; v0 … v11 are the kWh of the block's slots (NULL = no reading). A week
-- of a thousand meters at 30 minutes is ~31k rows instead of ~360k: in the caller each row costs far
-- more than a value, and wider rows cost more here (one CASE per value and reading) than they save.
-- Slot = the reading's position among the interval starts of its local day seen in its timezone, so a
-- DST day (46 or 50 intervals) keeps every reading in time order; meter_profile_slots.sql gives each
-- slot's local clock time (same numbering). The caller keeps the local days it wants (a filter on the
-- local day here would be pushed down to every reading). Readings are read twice (the slots, then the
-- values) because a shared CTE would be materialised, which costs more than the second scan.
WITH published AS (
  SELECT meter_id
  FROM (
    SELECT d.meter_id, ROW_NUMBER() OVER (ORDER BY SUM(d.total_kwh) DESC, d.meter_id) AS meter_rank
    FROM meter_daily d
    JOIN meters m ON m.meter_id = d.meter_id
    WHERE d.day > CAST(:from_day AS DATE) AND d.day <= CAST(:to_day AS DATE)
    GROUP BY d.meter_id
  ) ranked
  WHERE meter_rank <= :top_n
),
slots AS (
  SELECT timezone, interval_start, day, CAST(FLOOR(slot / 12) AS INTEGER) AS block, CAST(MOD(slot, 12) AS INTEGER) AS pos
  FROM (
    SELECT timezone, interval_start, day, ROW_NUMBER() OVER (PARTITION BY timezone, day ORDER BY interval_start) - 1 AS slot
    FROM (
      SELECT timezone, interval_start, CAST(interval_start AT TIME ZONE timezone AS DATE) AS day
      FROM (
        SELECT DISTINCT m.timezone, r.interval_start
        FROM meter_readings r
        JOIN meters m ON m.meter_id = r.meter_id
        WHERE r.interval_start >= CAST(:from_ts AS TIMESTAMPTZ) AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
      ) seen
    ) local_days
  ) numbered
)
SELECT
  r.meter_id,
  s.day,
  s.block,
  MAX(CASE WHEN s.pos = 0 THEN r.kwh END) AS v0,
  MAX(CASE WHEN s.pos = 1 THEN r.kwh END) AS v1,
  MAX(CASE WHEN s.pos = 2 THEN r.kwh END) AS v2,
  MAX(CASE WHEN s.pos = 3 THEN r.kwh END) AS v3,
  MAX(CASE WHEN s.pos = 4 THEN r.kwh END) AS v4,
  MAX(CASE WHEN s.pos = 5 THEN r.kwh END) AS v5,
  MAX(CASE WHEN s.pos = 6 THEN r.kwh END) AS v6,
  MAX(CASE WHEN s.pos = 7 THEN r.kwh END) AS v7,
  MAX(CASE WHEN s.pos = 8 THEN r.kwh END) AS v8,
  MAX(CASE WHEN s.pos = 9 THEN r.kwh END) AS v9,
  MAX(CASE WHEN s.pos = 10 THEN r.kwh END) AS v10,
  MAX(CASE WHEN s.pos = 11 THEN r.kwh END) AS v11
FROM meter_readings r
JOIN published p ON p.meter_id = r.meter_id
JOIN meters m ON m.meter_id = r.meter_id
JOIN slots s ON s.timezone = m.timezone AND s.interval_start = r.interval_start
WHERE r.interval_start >= CAST(:from_ts AS TIMESTAMPTZ) AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
GROUP BY r.meter_id, s.day, s.block
ORDER BY r.meter_id, s.day, s.block;
