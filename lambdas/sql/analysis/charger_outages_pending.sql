-- Broken chargers to alert on: outages still under way whose alert has not been sent, seen broken
-- at or after oldest (an imported history's old outages are history, not news), with the station's
-- name. Oldest first.
SELECT o.station_id, o.charger_id, o.since, o.last_seen_at, o.duration_hours, o.codes, o.detected_run, s.name AS station_name
FROM charger_outages o
LEFT JOIN charging_stations s ON s.station_id = o.station_id
WHERE o.notified_at IS NULL
  AND o.ended_at IS NULL
  AND o.last_seen_at >= CAST(:oldest AS TIMESTAMPTZ)
ORDER BY o.since, o.station_id, o.charger_id;
