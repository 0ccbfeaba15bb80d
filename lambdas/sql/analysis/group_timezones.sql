-- Meters per group (area) and timezone: a group is forecast on the local clock of most of its meters.
SELECT COALESCE(area, 'unassigned') AS area, timezone, COUNT(*) AS meters
FROM meters
GROUP BY COALESCE(area, 'unassigned'), timezone
ORDER BY area, meters DESC, timezone;
