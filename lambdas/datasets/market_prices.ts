import { defineDataset } from './dataset';

export const marketPrices = defineDataset({
  name: 'market_prices',
  description: `market_prices: daily OHLCV per symbol.
open_price, not open: OPEN is a Redshift reserved word (migrations/001_market_prices_open_price.sql).`,
  columns: [
    { name: 'symbol', type: 'VARCHAR(16)' },
    { name: 'trade_date', type: 'DATE' },
    { name: 'open_price', type: 'DOUBLE PRECISION' },
    { name: 'high', type: 'DOUBLE PRECISION' },
    { name: 'low', type: 'DOUBLE PRECISION' },
    { name: 'close', type: 'DOUBLE PRECISION' },
    { name: 'adj_close', type: 'DOUBLE PRECISION' },
    { name: 'volume', type: 'BIGINT' },
    { name: 'source', type: 'VARCHAR(32)' },
    { name: 'run_id', type: 'VARCHAR(64)' },
  ],
  naturalKey: ['symbol', 'trade_date'],
  disposition: { kind: 'merge' },
  redshift: { distStyle: 'EVEN', sortKey: ['symbol', 'trade_date'], why: 'small; reads are per symbol over a date range' },
  checks: [],
  // The provider's field `open` becomes the column open_price (lambdas/sql/transform/market_prices.sql).
  raw: { fields: ['symbol', 'trade_date', 'open', 'high', 'low', 'close', 'adj_close', 'volume'] },
});
