-- Records that the alert of one outage was sent (only once: a set notified_at is never overwritten).
UPDATE charger_outages
SET notified_at = CAST(:notified_at AS TIMESTAMPTZ)
WHERE station_id = :station_id
  AND charger_id = :charger_id
  AND since = CAST(:since AS TIMESTAMPTZ)
  AND notified_at IS NULL;
