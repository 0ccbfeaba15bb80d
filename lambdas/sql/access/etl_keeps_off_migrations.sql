-- The migration record is written by the migration runner (the admin) only.
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM ROLE gridlake_etl;
