-- The meters of each curated readings file of this load, with the timezone the file's naive
-- timestamps were read in and the file's position (register_unknown_meters.sql reads it).
CREATE TEMP TABLE stg_meter_timezones (meter_id VARCHAR(64), timezone VARCHAR(64), file_seq INTEGER);
