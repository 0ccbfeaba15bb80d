-- The temp tables of anomaly_meters.sql and anomaly_chunk_inputs.sql, dropped at the end of their
-- transaction: a Redshift session ends with its Data API batch, but a connection that lives on (the
-- local DuckDB warehouse) would keep them into the next slice.
DROP TABLE anomaly_readings;
DROP TABLE anomaly_envelope;
DROP TABLE anomaly_bucket_medians;
DROP TABLE anomaly_slots;
DROP TABLE anomaly_meters;
