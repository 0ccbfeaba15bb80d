-- For chargers already out of service (1, 4, 5) when the look-back window opens: when that outage
-- began, so "broken since" is the true start, not the window's edge (and an alert keeps its id as
-- the window moves). One row per charger whose last status before from_ts that is not unknown (9)
-- is out of service: the first out-of-service snapshot after its last in-service one (2, 3).
-- Searched back to oldest_ts at most (analysis.historyDays): an aggregate, never rows.
WITH before_window AS (
  SELECT station_id, charger_id, observed_at, status_code
  FROM charger_status
  WHERE observed_at > CAST(:oldest_ts AS TIMESTAMPTZ)
    AND observed_at <= CAST(:from_ts AS TIMESTAMPTZ)
    AND status_code IN (1, 2, 3, 4, 5)
),
last_in_service AS (
  SELECT station_id, charger_id, MAX(observed_at) AS at
  FROM before_window
  WHERE status_code IN (2, 3)
  GROUP BY station_id, charger_id
)
SELECT b.station_id, b.charger_id, MIN(b.observed_at) AS since
FROM before_window b
LEFT JOIN last_in_service l ON l.station_id = b.station_id AND l.charger_id = b.charger_id
WHERE b.status_code IN (1, 4, 5)
  AND (l.at IS NULL OR b.observed_at > l.at)
GROUP BY b.station_id, b.charger_id
ORDER BY b.station_id, b.charger_id;
