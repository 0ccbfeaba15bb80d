-- The outages recorded as still under way (ended_at NULL): the analysis re-states them each run,
-- keeping their notified_at and detected_run. Few rows: one per charger broken now.
SELECT station_id, charger_id, since, last_seen_at, duration_hours, codes, detected_run, notified_at
FROM charger_outages
WHERE ended_at IS NULL
ORDER BY station_id, charger_id, since;
