-- Daily prices per symbol for trade dates in [from_day, to_day], oldest first.
SELECT symbol, trade_date, close, adj_close
FROM market_prices
WHERE trade_date >= CAST(:from_day AS DATE) AND trade_date <= CAST(:to_day AS DATE)
ORDER BY symbol, trade_date;
