-- Replaces the statistics of trade dates in [from_day, to_day] (DELETE, then INSERT, one transaction).
DELETE FROM market_stats WHERE trade_date >= CAST(:from_day AS DATE) AND trade_date <= CAST(:to_day AS DATE);
