-- market_stats: daily statistics per symbol. Natural key: (symbol, trade_date).
-- daily_return = close/previous close - 1; vol20 = 20-day stdev of returns × sqrt(252); drawdown ≤ 0.
CREATE TABLE IF NOT EXISTS market_stats (
  symbol        VARCHAR(16)      NOT NULL,
  trade_date    DATE             NOT NULL,
  daily_return  DOUBLE PRECISION,
  ma20          DOUBLE PRECISION,
  ma50          DOUBLE PRECISION,
  vol20         DOUBLE PRECISION,
  drawdown      DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (symbol, trade_date)
);
