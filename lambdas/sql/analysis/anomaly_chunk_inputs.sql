-- One slice of time (CHUNK_DAYS, lambdas/steps/analyze/anomalies.ts) for every meter of
-- anomaly_meters at once: the readings detection examines, each with its meter's seasonal robust
-- baseline over [history_from_ts, to_ts) — the median of the meter's readings in the same local
-- weekday × interval-of-day bucket (expected) and their count (history) — and the meter's upper
-- envelope over [envelope_from_ts, envelope_to_ts): the level its readings exceed 0.5 % of the time.
-- The readings returned are those from read_from_ts (the slice's context and the weeks its spread is
-- measured on) to to_ts. The in-memory twin of the bucket rule is lambdas/analysis/seasonal-baseline.ts
-- (bucket = local weekday × (1440 / interval) + local minute of the day / interval).
--
-- Temp tables filled by bound INSERTs, read by anomaly_chunk_unload.sql in the same transaction:
-- Redshift binds parameters only in SELECT/INSERT/UPDATE/DELETE, none in UNLOAD
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_PREPARE.html), and a time filter compared to
-- constants is what lets the scan skip blocks of the SORTKEY (interval_start, meter_id). Each
-- percentile has its own statement: Redshift wants one ORDER BY for all PERCENTILE_CONT calls of a
-- statement (https://docs.aws.amazon.com/redshift/latest/dg/r_PERCENTILE_CONT.html).
-- Speed: AT TIME ZONE runs once per (timezone, interval start) slot — a few thousand — not per reading.
CREATE TEMP TABLE anomaly_slots (
  timezone       VARCHAR(64),
  interval_start TIMESTAMPTZ,
  bucket         INTEGER
);

INSERT INTO anomaly_slots (timezone, interval_start, bucket)
SELECT
  timezone,
  interval_start,
  CAST(EXTRACT(DOW FROM local_at) * (1440 / CAST(:interval_minutes AS INTEGER))
    + FLOOR((EXTRACT(HOUR FROM local_at) * 60 + EXTRACT(MINUTE FROM local_at)) / CAST(:interval_minutes AS INTEGER)) AS INTEGER)
FROM (
  SELECT timezone, interval_start, interval_start AT TIME ZONE timezone AS local_at
  FROM (
    SELECT DISTINCT m.timezone, r.interval_start
    FROM meter_readings r
    JOIN anomaly_meters m ON m.meter_id = r.meter_id
    WHERE r.interval_start >= CAST(:history_from_ts AS TIMESTAMPTZ)
      AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
  ) seen
) local_slots;

CREATE TEMP TABLE anomaly_bucket_medians (
  meter_id VARCHAR(64),
  bucket   INTEGER,
  expected DOUBLE PRECISION,
  history  BIGINT
);

INSERT INTO anomaly_bucket_medians (meter_id, bucket, expected, history)
SELECT r.meter_id, s.bucket, percentile_cont(0.5) WITHIN GROUP (ORDER BY r.kwh), COUNT(*)
FROM meter_readings r
JOIN anomaly_meters m ON m.meter_id = r.meter_id
JOIN anomaly_slots s ON s.timezone = m.timezone AND s.interval_start = r.interval_start
WHERE r.interval_start >= CAST(:history_from_ts AS TIMESTAMPTZ)
  AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
GROUP BY r.meter_id, s.bucket;

CREATE TEMP TABLE anomaly_envelope (
  meter_id VARCHAR(64),
  high     DOUBLE PRECISION
);

-- The weeks before the slice: a level shift inside or after it must not lift the envelope. A spike
-- must rise above it as well as far above the usual for its time of week (a kettle, an oven or a
-- heater now and then is not an anomaly).
INSERT INTO anomaly_envelope (meter_id, high)
SELECT r.meter_id, percentile_cont(0.995) WITHIN GROUP (ORDER BY r.kwh)
FROM meter_readings r
JOIN anomaly_meters m ON m.meter_id = r.meter_id
WHERE r.interval_start >= CAST(:envelope_from_ts AS TIMESTAMPTZ)
  AND r.interval_start < CAST(:envelope_to_ts AS TIMESTAMPTZ)
GROUP BY r.meter_id;

CREATE TEMP TABLE anomaly_readings (
  page           INTEGER,
  meter_id       VARCHAR(64),
  interval_start TIMESTAMPTZ,
  kwh            DOUBLE PRECISION,
  expected       DOUBLE PRECISION,
  history        BIGINT,
  high           DOUBLE PRECISION
);

INSERT INTO anomaly_readings (page, meter_id, interval_start, kwh, expected, history, high)
SELECT m.page, r.meter_id, r.interval_start, r.kwh, b.expected, b.history, e.high
FROM meter_readings r
JOIN anomaly_meters m ON m.meter_id = r.meter_id
JOIN anomaly_slots s ON s.timezone = m.timezone AND s.interval_start = r.interval_start
JOIN anomaly_bucket_medians b ON b.meter_id = r.meter_id AND b.bucket = s.bucket
LEFT JOIN anomaly_envelope e ON e.meter_id = r.meter_id
WHERE r.interval_start >= GREATEST(CAST(:history_from_ts AS TIMESTAMPTZ), CAST(:read_from_ts AS TIMESTAMPTZ))
  AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ);
