-- 001: market_prices.open → open_price. OPEN is a Redshift reserved word
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_pg_keywords.html), so no Redshift warehouse ever
-- had the old column; local DuckDB warehouses created before the rename did. The old name is
-- written as a delimited identifier, the only way Redshift's grammar accepts it.
ALTER TABLE market_prices RENAME COLUMN "open" TO open_price;
