-- Readings can arrive for meters that no meter list declared (a plain CSV import): register them
-- with the timezone their timestamps were read in (the import's --timezone, carried per curated file
-- in stg_meter_timezones; when two files of one load disagree, the later file's), so every reading
-- has a meter and its local days are the ones its timestamps meant.
INSERT INTO meters (meter_id, timezone, area, tariff, source, updated_run)
SELECT z.meter_id, z.timezone, CAST(NULL AS VARCHAR(64)), CAST(NULL AS VARCHAR(64)), CAST(:source AS VARCHAR(32)), CAST(:run_id AS VARCHAR(64))
FROM (
  SELECT meter_id, timezone, ROW_NUMBER() OVER (PARTITION BY meter_id ORDER BY file_seq DESC) AS rn
  FROM stg_meter_timezones
) z
WHERE z.rn = 1
  AND NOT EXISTS (SELECT 1 FROM meters m WHERE m.meter_id = z.meter_id);
