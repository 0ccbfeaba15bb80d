-- The status history the EV analysis reads: every snapshot in (from_ts, to_ts], the configured
-- look-back before the newest (evChargers.lookbackDays), never the whole table. Per charger in time
-- order, as the pure analyses build their timelines.
SELECT station_id, charger_id, observed_at, status_code
FROM charger_status
WHERE observed_at > CAST(:from_ts AS TIMESTAMPTZ)
  AND observed_at <= CAST(:to_ts AS TIMESTAMPTZ)
ORDER BY station_id, charger_id, observed_at;
