DELETE FROM schema_migrations WHERE id = :id;
