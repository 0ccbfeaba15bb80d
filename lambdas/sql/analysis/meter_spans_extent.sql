-- Over [history_from_ts, to_ts): the earliest first reading of the meters one execution loaded
-- (where their history starts) and the fleet's newest reading (detection never looks past it):
-- two values, whatever the fleet's size.
SELECT
  (SELECT MIN(r.interval_start)
     FROM meter_readings r
     WHERE r.interval_start >= CAST(:history_from_ts AS TIMESTAMPTZ)
       AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)
       AND r.meter_id IN (
         SELECT l.meter_id FROM meter_readings l
         WHERE l.run_id >= :first_run_id AND l.run_id <= :last_run_id AND l.run_id LIKE :run_id_pattern
       )) AS first_at,
  (SELECT MAX(r.interval_start)
     FROM meter_readings r
     WHERE r.interval_start >= CAST(:history_from_ts AS TIMESTAMPTZ)
       AND r.interval_start < CAST(:to_ts AS TIMESTAMPTZ)) AS last_at;
