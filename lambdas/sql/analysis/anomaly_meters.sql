-- The meters anomaly detection examines, fleet-wide, numbered into pages of page_size consecutive
-- meter ids (a Distributed Map item each, lambdas/steps/analyze/anomaly-pages.ts): every meter that
-- reported in [history_from_ts, to_ts) — those one execution loaded and those gone silent — with its
-- timezone, its first and last reading in that window (its expected grid starts at the first; a meter
-- silent since its last is a gap) and the first interval the execution loaded for it (NULL: silent).
-- A reading's run_id is the run that last wrote it; an execution's runs are first_run_id … last_run_id
-- of one attempt (run_id_pattern, e.g. '%-a1'; lambdas/steps/plan.ts executionRunFilter).
-- One scan per question for the whole fleet, instead of one per page: a page filter on meter_id
-- prunes nothing under the table's SORTKEY (interval_start, meter_id).
CREATE TEMP TABLE anomaly_meters (
  page         INTEGER,
  meter_id     VARCHAR(64),
  timezone     VARCHAR(64),
  first_loaded TIMESTAMPTZ,
  first_at     TIMESTAMPTZ,
  last_at      TIMESTAMPTZ
);

INSERT INTO anomaly_meters (page, meter_id, timezone, first_loaded, first_at, last_at)
SELECT
  CAST(FLOOR((ROW_NUMBER() OVER (ORDER BY s.meter_id) - 1) / CAST(:page_size AS INTEGER)) AS INTEGER),
  s.meter_id, s.timezone, l.first_loaded, s.first_at, s.last_at
FROM (
  SELECT r.meter_id, COALESCE(m.timezone, CAST(:default_timezone AS VARCHAR(64))) AS timezone,
    MIN(r.interval_start) AS first_at, MAX(r.interval_start) AS last_at
  FROM meter_readings r
  LEFT JOIN meters m ON m.meter_id = r.meter_id
  WHERE r.interval_start >= CAST(:history_from_ts AS TIMESTAMPTZ)
    AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
  GROUP BY r.meter_id, COALESCE(m.timezone, CAST(:default_timezone AS VARCHAR(64)))
) s
LEFT JOIN (
  SELECT meter_id, MIN(interval_start) AS first_loaded
  FROM meter_readings
  WHERE run_id >= :first_run_id
    AND run_id <= :last_run_id
    AND run_id LIKE :run_id_pattern
  GROUP BY meter_id
) l ON l.meter_id = s.meter_id;
