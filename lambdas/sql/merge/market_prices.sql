-- Upsert the deduplicated staging rows of market_prices by its natural key (symbol, trade_date).
-- Portable MERGE (Redshift, Postgres 15+, DuckDB 1.4+): one WHEN MATCHED, one WHEN NOT MATCHED;
-- the target is referenced by name (Redshift has no target alias). stg_market_prices holds unique keys.
MERGE INTO market_prices
USING stg_market_prices s
ON market_prices.symbol = s.symbol AND market_prices.trade_date = s.trade_date
WHEN MATCHED THEN UPDATE SET
  open_price = s.open_price,
  high = s.high,
  low = s.low,
  close = s.close,
  adj_close = s.adj_close,
  volume = s.volume,
  source = s.source,
  run_id = s.run_id
WHEN NOT MATCHED THEN INSERT (symbol, trade_date, open_price, high, low, close, adj_close, volume, source, run_id)
VALUES (s.symbol, s.trade_date, s.open_price, s.high, s.low, s.close, s.adj_close, s.volume, s.source, s.run_id);
