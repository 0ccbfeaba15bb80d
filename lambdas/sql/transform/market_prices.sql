-- market_prices: validate daily OHLCV bars (DuckDB dialect, transform step).
-- Input: view source_rows(ord, symbol, trade_date, open, high, low, close, adj_close, volume) as
-- text. Variables: source, run_id. The provider's field open becomes the column open_price (OPEN is
-- a Redshift reserved word).

-- A table, not a view: the quarantine, the counts and the curated file all read it (collector
-- output is small; a view would re-run the checks for each).
CREATE OR REPLACE TEMP TABLE checked AS
WITH s AS (
  SELECT
    ord,
    nullif(trim(symbol), '') AS symbol,
    TRY_CAST(trim(trade_date) AS DATE) AS trade_date,
    TRY_CAST(trim(open) AS DOUBLE) AS open,
    TRY_CAST(trim(high) AS DOUBLE) AS high,
    TRY_CAST(trim(low) AS DOUBLE) AS low,
    TRY_CAST(trim(close) AS DOUBLE) AS close,
    TRY_CAST(trim(adj_close) AS DOUBLE) AS adj_close,
    TRY_CAST(TRY_CAST(trim(volume) AS DOUBLE) AS BIGINT) AS volume,
    TRY_CAST(trim(volume) AS DOUBLE) AS volume_value,
    nullif(trim(trade_date), '') IS NULL OR nullif(trim(open), '') IS NULL OR nullif(trim(high), '') IS NULL
      OR nullif(trim(low), '') IS NULL OR nullif(trim(close), '') IS NULL OR nullif(trim(adj_close), '') IS NULL
      OR nullif(trim(volume), '') IS NULL AS missing
  FROM source_rows
)
SELECT
  s.*,
  CASE
    WHEN symbol IS NULL OR missing THEN 'missing field'
    WHEN strlen(symbol) > 16 THEN 'symbol longer than 16 bytes (UTF-8)'
    WHEN trade_date IS NULL THEN 'unparseable trade_date (expected YYYY-MM-DD)'
    WHEN year(trade_date) < 1 OR year(trade_date) > 9999 THEN 'year outside 1..9999'
    WHEN open IS NULL OR high IS NULL OR low IS NULL OR close IS NULL OR adj_close IS NULL
      OR NOT (isfinite(open) AND isfinite(high) AND isfinite(low) AND isfinite(close) AND isfinite(adj_close)) THEN 'unparseable price'
    WHEN volume_value IS NULL OR volume_value <> floor(volume_value) THEN 'unparseable volume (expected a whole number)'
    WHEN open <= 0 OR high <= 0 OR low <= 0 OR close <= 0 OR adj_close <= 0 THEN 'non-positive price'
    WHEN high < low THEN 'high below low'
    WHEN volume < 0 THEN 'negative volume'
  END AS reason
FROM s;

CREATE OR REPLACE TEMP VIEW curated AS
SELECT
  symbol::VARCHAR AS symbol,
  trade_date::DATE AS trade_date,
  open::DOUBLE AS open_price,
  high::DOUBLE AS high,
  low::DOUBLE AS low,
  close::DOUBLE AS close,
  adj_close::DOUBLE AS adj_close,
  volume::BIGINT AS volume,
  getvariable('source')::VARCHAR AS source,
  getvariable('run_id')::VARCHAR AS run_id
FROM checked
WHERE reason IS NULL
QUALIFY row_number() OVER (PARTITION BY symbol, trade_date ORDER BY ord DESC) = 1;
