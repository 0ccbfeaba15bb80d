-- Readings can arrive for meters that no meter list declared (a plain CSV import): register them
-- with the timezone their timestamps were read in, so every reading has a meter and a local day.
INSERT INTO meters (meter_id, timezone, area, tariff, source, updated_run)
SELECT DISTINCT s.meter_id, CAST(:default_timezone AS VARCHAR(64)), CAST(NULL AS VARCHAR(64)), CAST(NULL AS VARCHAR(64)), s.source, s.run_id
FROM stg_meter_readings s
WHERE NOT EXISTS (SELECT 1 FROM meters m WHERE m.meter_id = s.meter_id);
