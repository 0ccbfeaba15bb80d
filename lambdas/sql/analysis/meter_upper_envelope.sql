-- Each meter's own upper envelope over the baseline window [history_from_ts, to_ts): the level its
-- readings exceed 0.5 % of the time (about once in four days of 30-minute readings). A spike must
-- rise above it as well as far above the usual for its time of week: real homes run a kettle, an oven
-- or a heater now and then at hours when they usually don't, and such readings are not anomalies.
-- (Its own statement: Redshift allows one ORDER BY across the percentile aggregates of a statement.)
SELECT meter_id, percentile_cont(0.995) WITHIN GROUP (ORDER BY kwh) AS high
FROM meter_readings
WHERE meter_id >= :first_meter
  AND meter_id <= :last_meter
  AND interval_start >= CAST(:history_from_ts AS TIMESTAMPTZ)
  AND interval_start < CAST(:to_ts AS TIMESTAMPTZ)
GROUP BY meter_id
ORDER BY meter_id;
