-- Readings from :context_from_ts to :to_ts, each with its meter's seasonal robust baseline computed
-- over the whole history window [:history_from_ts, :to_ts): the median of the meter's readings in the
-- same local weekday × interval-of-day bucket (expected), the readings in that bucket (history) and the
-- meter's pooled log spread s = 1.4826 × median |ln(kwh / expected)| (log_scale).
-- The in-memory twin of this rule is lambdas/analysis/seasonal-baseline.ts.
WITH history AS (
  SELECT
    r.meter_id,
    r.interval_start,
    r.kwh,
    CAST(EXTRACT(DOW FROM r.interval_start AT TIME ZONE m.timezone) AS INTEGER) AS dow,
    CAST(FLOOR((EXTRACT(HOUR FROM r.interval_start AT TIME ZONE m.timezone) * 60
      + EXTRACT(MINUTE FROM r.interval_start AT TIME ZONE m.timezone)) / CAST(:interval_minutes AS INTEGER)) AS INTEGER) AS slot
  FROM meter_readings r
  JOIN meters m ON m.meter_id = r.meter_id
  WHERE r.interval_start >= CAST(:history_from_ts AS TIMESTAMPTZ)
    AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
),
buckets AS (
  SELECT
    meter_id,
    dow,
    slot,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY kwh) AS expected,
    COUNT(*) AS history
  FROM history
  GROUP BY meter_id, dow, slot
),
spread AS (
  SELECT
    h.meter_id,
    1.482602218505602 * percentile_cont(0.5) WITHIN GROUP (ORDER BY ABS(LN(h.kwh / b.expected))) AS log_scale
  FROM history h
  JOIN buckets b ON b.meter_id = h.meter_id AND b.dow = h.dow AND b.slot = h.slot
  WHERE h.kwh > 0 AND b.expected > 0
  GROUP BY h.meter_id
)
SELECT h.meter_id, h.interval_start, h.kwh, b.expected, s.log_scale, b.history
FROM history h
JOIN buckets b ON b.meter_id = h.meter_id AND b.dow = h.dow AND b.slot = h.slot
LEFT JOIN spread s ON s.meter_id = h.meter_id
WHERE h.interval_start >= CAST(:context_from_ts AS TIMESTAMPTZ)
ORDER BY h.meter_id, h.interval_start;
