INSERT INTO schema_migrations (id, checksum, outcome, applied_at)
VALUES (:id, :checksum, :outcome, CAST(:applied_at AS TIMESTAMPTZ));
