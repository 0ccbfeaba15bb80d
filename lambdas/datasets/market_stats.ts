import { defineDataset } from './dataset';

/** Written by the analysis (lambdas/steps/analyze/market.ts), not loaded from a source. */
export const marketStats = defineDataset({
  name: 'market_stats',
  description: `market_stats: daily statistics per symbol.
daily_return = close/previous close - 1; vol20 = 20-day stdev of returns × sqrt(252); drawdown ≤ 0.`,
  columns: [
    { name: 'symbol', type: 'VARCHAR(16)' },
    { name: 'trade_date', type: 'DATE' },
    { name: 'daily_return', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'ma20', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'ma50', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'vol20', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'drawdown', type: 'DOUBLE PRECISION' },
  ],
  naturalKey: ['symbol', 'trade_date'],
  redshift: { distStyle: 'EVEN', sortKey: ['symbol', 'trade_date'], why: 'as market_prices' },
  checks: [],
});
