-- The statistics of trade dates in [from_day, to_day], compared with a run's own before they are
-- replaced (only the part from the first difference on is rewritten).
SELECT symbol, trade_date, daily_return, ma20, ma50, vol20, drawdown
FROM market_stats
WHERE trade_date >= CAST(:from_day AS DATE) AND trade_date <= CAST(:to_day AS DATE);
