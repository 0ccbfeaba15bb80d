-- Re-run after every migration: ALL TABLES means the tables that exist now.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO ROLE gridlake_analyst;
