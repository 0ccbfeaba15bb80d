/**
 * Market statistics per symbol over the last year: daily returns, 20/50-day moving averages of the
 * close, 20-day annualised volatility, drawdown and maximum drawdown, the correlation of daily log
 * returns with the day-over-day log change of fleet consumption, and the exact Normal–Inverse-Gamma
 * posterior of the mean daily log return with its 95% credible interval.
 *
 * Returns, volatility, drawdown and the posterior use adj_close (dividends and splits do not look like
 * losses); the moving averages use close, the price the chart shows. Prices are read from
 * WARMUP_DAYS earlier so MA50 and vol20 are defined from the first published day, which also makes a
 * day's statistics independent of the run date. The published range is replaced in one transaction.
 *
 * Correlation uses consumption *changes*, not levels: returns are (nearly) stationary and fleet
 * consumption has a strong season, and correlating a stationary series with a trending one mostly
 * measures the trend.
 */
import { alignedPearson } from '../../analysis/correlation';
import { drawdowns } from '../../analysis/drawdown';
import { movingAverage } from '../../analysis/moving-average';
import { posteriorMeanReturn } from '../../analysis/normal-inverse-gamma';
import { logReturns, simpleReturns } from '../../analysis/returns';
import { rollingVolatility } from '../../analysis/rolling-volatility';
import type { Market, MarketSymbol } from '../../contract/results';
import { RESULT_FILES } from '../../contract/results';
import type { Row, SqlValue } from '../../ports/warehouse';
import { multiRowInserts } from '../../sql/analysis/multi-row-insert';
import { sqlFile } from '../../sql/files';
import type { Analysis } from './analysis';
import { firstDifference, type ColumnKind } from './first-difference';
import { addDays } from './window';

/** Calendar days published (and written to market_stats). */
export const MARKET_DAYS = 365;
/** Calendar days read before the published range: ≥ 50 trading days for MA50. */
export const WARMUP_DAYS = 100;

/** Every column of market_stats, as compared when replacing the published range. */
const MARKET_STATS_COLUMNS: Record<string, ColumnKind> = {
  symbol: 'text',
  trade_date: 'day',
  daily_return: 'number',
  ma20: 'number',
  ma50: 'number',
  vol20: 'number',
  drawdown: 'number',
};

const round = (x: number | null, digits = 6) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits);

interface Computed {
  symbol: MarketSymbol;
  rows: Record<string, SqlValue>[];
}

function computeSymbol(symbol: string, prices: Row[], fromDay: string, consumptionChange: Map<string, number>): Computed {
  const dates = prices.map((p) => String(p.trade_date).slice(0, 10));
  const close = prices.map((p) => Number(p.close));
  const adj = prices.map((p) => Number(p.adj_close));
  const returns = simpleReturns(adj);
  const ma20 = movingAverage(close, 20);
  const ma50 = movingAverage(close, 50);
  const vol20 = rollingVolatility(returns, 20);
  // Indices of the published days (the rows before them are warm-up).
  const shown = dates.flatMap((d, i) => (d >= fromDay ? [i] : []));
  const dd = drawdowns(shown.map((i) => adj[i]!));
  // Log returns within the published range (the first published day's return needs the day before).
  const logs = logReturns(adj);
  const rangeLogs = shown.map((i) => logs[i]).filter((r): r is number => r !== null);
  const byDate = new Map<string, number>();
  for (const i of shown) if (logs[i] !== null) byDate.set(dates[i]!, logs[i]!);
  const lastVol = shown.length ? vol20[shown[shown.length - 1]!]! : null;
  const posterior = posteriorMeanReturn(rangeLogs);
  return {
    symbol: {
      symbol,
      series: {
        date: shown.map((i) => dates[i]!),
        close: shown.map((i) => close[i]!),
        ma20: shown.map((i) => round(ma20[i]!, 4)),
        ma50: shown.map((i) => round(ma50[i]!, 4)),
        vol20: shown.map((i) => round(vol20[i]!)),
        drawdown: dd.map((d) => round(d)!),
      },
      maxDrawdown: round(dd.reduce((m, d) => Math.min(m, d), 0))!,
      annualisedVolatility: round(lastVol),
      correlationWithConsumption: round(alignedPearson(byDate, consumptionChange).r, 4),
      meanReturn: posterior
        ? { mean: round(posterior.mean, 8)!, lo95: round(posterior.lo, 8)!, hi95: round(posterior.hi, 8)!, n: posterior.n }
        : null,
    },
    rows: shown.map((i, k) => ({
      symbol,
      trade_date: dates[i]!,
      daily_return: round(returns[i]!, 8),
      ma20: round(ma20[i]!, 6),
      ma50: round(ma50[i]!, 6),
      vol20: round(vol20[i]!, 8),
      drawdown: round(dd[k]!, 8)!,
    })),
  };
}

export const marketAnalysis: Analysis = {
  name: 'market',
  async run(ctx) {
    const wh = ctx.ports.warehouse;
    const fromDay = addDays(ctx.asOfDay, -MARKET_DAYS + 1);
    const prices = await wh.query({
      name: 'market_prices_window',
      sql: sqlFile('analysis/market_prices_window.sql'),
      params: { from_day: addDays(fromDay, -WARMUP_DAYS), to_day: ctx.asOfDay },
    });
    const fleet = await wh.query({
      name: 'fleet_daily_kwh',
      sql: sqlFile('analysis/fleet_daily_kwh.sql'),
      params: { from_day: addDays(fromDay, -1), to_day: ctx.asOfDay },
    });
    // Day-over-day log change of fleet consumption, only between consecutive calendar days.
    const change = new Map<string, number>();
    for (let i = 1; i < fleet.length; i++) {
      const day = String(fleet[i]!.day).slice(0, 10);
      if (addDays(String(fleet[i - 1]!.day).slice(0, 10), 1) !== day) continue;
      const a = Number(fleet[i - 1]!.total_kwh);
      const b = Number(fleet[i]!.total_kwh);
      if (a > 0 && b > 0) change.set(day, Math.log(b / a));
    }
    const bySymbol = new Map<string, Row[]>();
    for (const p of prices) {
      const s = String(p.symbol);
      bySymbol.set(s, [...(bySymbol.get(s) ?? []), p]);
    }
    const computed = [...bySymbol.entries()]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([symbol, rows]) => computeSymbol(symbol, rows, fromDay, change));
    const rows = computed.flatMap((c) => c.rows);
    // The published range is replaced from its first difference on (nothing, when a re-run finds the same).
    const range = { from_day: fromDay, to_day: ctx.asOfDay };
    const existing = await wh.query({ name: 'market_stats_range', sql: sqlFile('analysis/market_stats_range.sql'), params: range });
    const from = firstDifference(existing, rows, MARKET_STATS_COLUMNS, 'trade_date');
    if (from !== undefined) {
      await wh.transaction([
        { name: 'market_stats_delete_range', sql: sqlFile('analysis/market_stats_delete_range.sql'), params: { ...range, from_day: String(from) } },
        ...multiRowInserts('market_stats_insert', sqlFile('analysis/market_stats_insert.sql'), rows.filter((r) => String(r.trade_date) >= String(from))),
      ]);
    }
    const market: Market = { generatedAt: ctx.ports.clock.now().toISOString(), symbols: computed.map((c) => c.symbol) };
    return { files: { [RESULT_FILES.market]: market }, counts: { symbols: computed.length, rows: rows.length } };
  },
};
