-- market_prices: daily OHLCV per symbol. Natural key: (symbol, trade_date).
-- open_price, not open: OPEN is a Redshift reserved word (migrations/001_market_prices_open_price.sql).
CREATE TABLE IF NOT EXISTS market_prices (
  symbol      VARCHAR(16)      NOT NULL,
  trade_date  DATE             NOT NULL,
  open_price  DOUBLE PRECISION NOT NULL,
  high        DOUBLE PRECISION NOT NULL,
  low         DOUBLE PRECISION NOT NULL,
  close       DOUBLE PRECISION NOT NULL,
  adj_close   DOUBLE PRECISION NOT NULL,
  volume      BIGINT           NOT NULL,
  source      VARCHAR(32)      NOT NULL,
  run_id      VARCHAR(64)      NOT NULL,
  PRIMARY KEY (symbol, trade_date)
);
