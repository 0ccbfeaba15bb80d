-- Readings from :context_from_ts to :to_ts, each with its meter's seasonal robust baseline computed
-- over [:history_from_ts, :to_ts): the median of the meter's readings in the same local weekday ×
-- interval-of-day bucket (expected), the readings in that bucket (history) and the meter's pooled log
-- spread s = 1.4826 × median |ln(kwh / expected)| (log_scale) over the readings since :spread_from_ts
-- (a few hundred readings per meter already make the median stable; fewer rows, less time).
-- The in-memory twin of this rule is lambdas/analysis/seasonal-baseline.ts (same bucket numbering).
--
-- Speed: converting every reading with AT TIME ZONE costs seconds per million rows, so the local
-- offset is looked up once per (timezone, UTC hour) and each reading's local minute of the week comes
-- from plain integer arithmetic on its epoch seconds (1970-01-01 was a Thursday: +4 days = 5760 min).
WITH readings AS (
  SELECT
    r.meter_id,
    r.interval_start,
    r.kwh,
    m.timezone,
    CAST(EXTRACT(EPOCH FROM r.interval_start) AS BIGINT) AS epoch_s
  FROM meter_readings r
  JOIN meters m ON m.meter_id = r.meter_id
  WHERE r.interval_start >= CAST(:history_from_ts AS TIMESTAMPTZ)
    AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
),
offsets AS (
  SELECT
    timezone,
    hour_key,
    CAST(EXTRACT(EPOCH FROM first_at AT TIME ZONE timezone) - EXTRACT(EPOCH FROM first_at) AS BIGINT) AS offset_s
  FROM (
    SELECT timezone, epoch_s / 3600 AS hour_key, MIN(interval_start) AS first_at
    FROM readings
    GROUP BY timezone, epoch_s / 3600
  ) hours
),
history AS (
  SELECT
    r.meter_id,
    r.interval_start,
    r.kwh,
    CAST(MOD((r.epoch_s + o.offset_s) / 60 + 5760, 10080) / CAST(:interval_minutes AS INTEGER) AS INTEGER) AS bucket
  FROM readings r
  JOIN offsets o ON o.timezone = r.timezone AND o.hour_key = r.epoch_s / 3600
),
buckets AS (
  SELECT
    meter_id,
    bucket,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY kwh) AS expected,
    COUNT(*) AS history
  FROM history
  GROUP BY meter_id, bucket
),
spread AS (
  SELECT
    h.meter_id,
    1.482602218505602 * percentile_cont(0.5) WITHIN GROUP (ORDER BY ABS(LN(h.kwh / b.expected))) AS log_scale
  FROM history h
  JOIN buckets b ON b.meter_id = h.meter_id AND b.bucket = h.bucket
  WHERE h.kwh > 0 AND b.expected > 0 AND h.interval_start >= CAST(:spread_from_ts AS TIMESTAMPTZ)
  GROUP BY h.meter_id
)
SELECT h.meter_id, h.interval_start, h.kwh, b.expected, s.log_scale, b.history
FROM history h
JOIN buckets b ON b.meter_id = h.meter_id AND b.bucket = h.bucket
LEFT JOIN spread s ON s.meter_id = h.meter_id
WHERE h.interval_start >= CAST(:context_from_ts AS TIMESTAMPTZ)
ORDER BY h.meter_id, h.interval_start;
