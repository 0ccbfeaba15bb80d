SELECT id, checksum, outcome FROM schema_migrations ORDER BY id;
