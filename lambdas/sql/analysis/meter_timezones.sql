-- Every meter's timezone: published anomalies carry it, so the dashboard shows each on its own clock.
SELECT meter_id, timezone FROM meters;
