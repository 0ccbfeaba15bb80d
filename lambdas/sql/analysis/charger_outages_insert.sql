-- One outage (the analyze step repeats the VALUES row for a batch).
INSERT INTO charger_outages (
  station_id, charger_id, since, ended_at, last_seen_at, duration_hours, codes, detected_run, notified_at
) VALUES (
  :station_id, :charger_id, CAST(:since AS TIMESTAMPTZ), CAST(:ended_at AS TIMESTAMPTZ), CAST(:last_seen_at AS TIMESTAMPTZ),
  CAST(:duration_hours AS DOUBLE PRECISION), :codes, :detected_run, CAST(:notified_at AS TIMESTAMPTZ)
);
