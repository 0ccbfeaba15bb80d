-- One page of meters (first_meter … last_meter, see meter_pages.sql): their readings from
-- context_from_ts to to_ts, each with its meter's seasonal robust baseline computed
-- over [history_from_ts, to_ts): the median of the meter's readings in the same local weekday ×
-- interval-of-day bucket (expected), the readings in that bucket (history) and the meter's pooled log
-- spread s = 1.4826 × median |ln(kwh / expected)| (log_scale) over the readings since spread_from_ts
-- (a few hundred readings per meter already make the median stable; fewer rows, less time).
-- The in-memory twin of this rule is lambdas/analysis/seasonal-baseline.ts (same bucket numbering:
-- local weekday × (1440 / interval) + local minute of the day / interval).
--
-- Two statements over a temp table, run in one transaction (lambdas/sql/script.ts): Redshift wants
-- one ORDER BY for all PERCENTILE_CONT calls of a statement
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_PERCENTILE_CONT.html), and the bucket medians
-- (ORDER BY kwh) and the spread (ORDER BY |ln(kwh / expected)|) need two.
--
-- Speed: converting every reading with AT TIME ZONE costs seconds per million rows, so the bucket is
-- computed once per (timezone, interval start) slot — a few thousand — and joined back to the readings.
-- The bucket medians (percentile_cont over ~336 buckets per meter) are most of the remaining cost.
CREATE TEMP TABLE bucket_medians (
  meter_id VARCHAR(64),
  bucket   INTEGER,
  expected DOUBLE PRECISION,
  history  BIGINT
);

-- 1. The median and the count of each meter's readings per bucket.
INSERT INTO bucket_medians (meter_id, bucket, expected, history)
WITH slots AS (
  SELECT
    timezone,
    interval_start,
    CAST(EXTRACT(DOW FROM local_at) * (1440 / CAST(:interval_minutes AS INTEGER))
      + FLOOR((EXTRACT(HOUR FROM local_at) * 60 + EXTRACT(MINUTE FROM local_at)) / CAST(:interval_minutes AS INTEGER)) AS INTEGER) AS bucket
  FROM (
    SELECT timezone, interval_start, interval_start AT TIME ZONE timezone AS local_at
    FROM (
      SELECT DISTINCT m.timezone, r.interval_start
      FROM meter_readings r
      JOIN meters m ON m.meter_id = r.meter_id
      WHERE r.meter_id >= :first_meter AND r.meter_id <= :last_meter
        AND r.interval_start >= CAST(:history_from_ts AS TIMESTAMPTZ)
        AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
    ) seen
  ) local_slots
)
SELECT
  r.meter_id,
  s.bucket,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY r.kwh),
  COUNT(*)
FROM meter_readings r
JOIN meters m ON m.meter_id = r.meter_id
JOIN slots s ON s.timezone = m.timezone AND s.interval_start = r.interval_start
WHERE r.meter_id >= :first_meter AND r.meter_id <= :last_meter
  AND r.interval_start >= CAST(:history_from_ts AS TIMESTAMPTZ)
  AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
GROUP BY r.meter_id, s.bucket;

-- 2. The readings with their bucket's median and count, and each meter's log spread. Only the
-- readings the spread or the output use are read again: from the earlier of spread_from_ts and
-- context_from_ts, never before history_from_ts (no reading before it has a median).
WITH slots AS (
  SELECT
    timezone,
    interval_start,
    CAST(EXTRACT(DOW FROM local_at) * (1440 / CAST(:interval_minutes AS INTEGER))
      + FLOOR((EXTRACT(HOUR FROM local_at) * 60 + EXTRACT(MINUTE FROM local_at)) / CAST(:interval_minutes AS INTEGER)) AS INTEGER) AS bucket
  FROM (
    SELECT timezone, interval_start, interval_start AT TIME ZONE timezone AS local_at
    FROM (
      SELECT DISTINCT m.timezone, r.interval_start
      FROM meter_readings r
      JOIN meters m ON m.meter_id = r.meter_id
      WHERE r.meter_id >= :first_meter AND r.meter_id <= :last_meter
        AND r.interval_start >= GREATEST(CAST(:history_from_ts AS TIMESTAMPTZ),
          LEAST(CAST(:spread_from_ts AS TIMESTAMPTZ), CAST(:context_from_ts AS TIMESTAMPTZ)))
        AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
    ) seen
  ) local_slots
),
recent AS (
  SELECT r.meter_id, r.interval_start, r.kwh, s.bucket
  FROM meter_readings r
  JOIN meters m ON m.meter_id = r.meter_id
  JOIN slots s ON s.timezone = m.timezone AND s.interval_start = r.interval_start
  WHERE r.meter_id >= :first_meter AND r.meter_id <= :last_meter
    AND r.interval_start >= GREATEST(CAST(:history_from_ts AS TIMESTAMPTZ),
      LEAST(CAST(:spread_from_ts AS TIMESTAMPTZ), CAST(:context_from_ts AS TIMESTAMPTZ)))
    AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
),
spread AS (
  SELECT
    h.meter_id,
    1.482602218505602 * percentile_cont(0.5) WITHIN GROUP (ORDER BY ABS(LN(h.kwh / b.expected))) AS log_scale
  FROM recent h
  JOIN bucket_medians b ON b.meter_id = h.meter_id AND b.bucket = h.bucket
  WHERE h.kwh > 0 AND b.expected > 0 AND h.interval_start >= CAST(:spread_from_ts AS TIMESTAMPTZ)
  GROUP BY h.meter_id
)
SELECT h.meter_id, h.interval_start, h.kwh, b.expected, s.log_scale, b.history
FROM recent h
JOIN bucket_medians b ON b.meter_id = h.meter_id AND b.bucket = h.bucket
LEFT JOIN spread s ON s.meter_id = h.meter_id
WHERE h.interval_start >= CAST(:context_from_ts AS TIMESTAMPTZ)
ORDER BY h.meter_id, h.interval_start;

DROP TABLE bucket_medians;
