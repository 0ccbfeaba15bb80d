-- Re-run after every migration: ALL TABLES means the tables that exist now.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ROLE gridlake_etl;
