-- The load stages each date in temporary tables. The database name is an allow-listed identifier
-- spliced in by lambdas/schema/access.ts (a GRANT takes no bound parameter).
GRANT TEMP ON DATABASE "{database}" TO ROLE gridlake_etl;
