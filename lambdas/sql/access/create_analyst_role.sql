-- Analysts' database role: read-only on the gridlake tables.
CREATE ROLE gridlake_analyst;
