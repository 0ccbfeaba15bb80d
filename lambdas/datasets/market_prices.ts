import { defineDataset } from './dataset';

export const marketPrices = defineDataset({
  name: 'market_prices',
  description: 'market_prices: daily OHLCV per symbol. Natural key: (symbol, trade_date).',
  columns: [
    { name: 'symbol', type: 'VARCHAR(16)' },
    { name: 'trade_date', type: 'DATE' },
    { name: 'open', type: 'DOUBLE PRECISION' },
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
  raw: { fields: ['symbol', 'trade_date', 'open', 'high', 'low', 'close', 'adj_close', 'volume'] },
});
