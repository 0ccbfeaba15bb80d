-- One symbol-day of statistics (the analyze step repeats the VALUES row for a batch).
INSERT INTO market_stats (symbol, trade_date, daily_return, ma20, ma50, vol20, drawdown)
VALUES (
  :symbol, CAST(:trade_date AS DATE), CAST(:daily_return AS DOUBLE PRECISION), CAST(:ma20 AS DOUBLE PRECISION),
  CAST(:ma50 AS DOUBLE PRECISION), CAST(:vol20 AS DOUBLE PRECISION), CAST(:drawdown AS DOUBLE PRECISION)
);
