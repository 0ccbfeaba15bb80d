-- 1 when the table has the column, else 0 (information_schema: Redshift, Postgres and DuckDB alike).
SELECT COUNT(*) AS n
FROM information_schema.columns
WHERE table_name = :table_name AND column_name = :column_name;
