/**
 * Deterministic daily OHLCV for offline runs: a geometric random walk per symbol with a drift and a
 * volatility drawn from (seed, symbol). Weekdays only (no exchange holidays).
 *
 * The walk starts at a fixed base date and always cumulates the same seeded daily returns forward
 * from it, so the bar of a date never depends on which range was requested or what was generated
 * before. Walking from 2015 to today is a few thousand draws (well under a millisecond), so nothing
 * is cached.
 *
 * The truth for model checks: daily LOG returns ln(close_t / close_{t-1}) between consecutive
 * weekdays are i.i.d. Normal(drift, volatility²) (up to rounding of prices to 4 decimals).
 */
import { roundTo, seeded, type Random } from '../random';
import type { PriceBar, PriceProvider } from './provider';

/** The first simulated trading day (a Friday); earlier dates are refused. */
export const BASE_DATE = '2015-01-02';

export class MarketInputError extends Error {
  override readonly name = 'MarketInputError';
}

export interface SimulatorParams {
  /** Mean daily log return (the "true drift"). */
  drift: number;
  /** Standard deviation of the daily log return. */
  volatility: number;
  /** Close on BASE_DATE. */
  basePrice: number;
  /** Typical daily volume (shares or contracts). */
  baseVolume: number;
  /** Mean daily simple return close_t/close_{t-1} − 1 = exp(drift + volatility²/2) − 1. */
  meanSimpleReturn: number;
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The per-symbol truth. Energy futures (symbols ending in `=F`) are more volatile than equities. */
export function simulatorParams(symbol: string, seed: number): SimulatorParams {
  if (!symbol) throw new MarketInputError('simulatorParams: symbol is empty; give a ticker such as SPY.');
  const r = seeded(seed, 'market-params', symbol);
  const future = symbol.endsWith('=F');
  const drift = r.uniform(-0.0002, 0.0006);
  // Annualised: equities and ETFs ~11–24%, energy futures ~29–55%.
  const volatility = future ? r.uniform(0.018, 0.035) : r.uniform(0.007, 0.015);
  const basePrice = roundTo(Math.exp(r.uniform(Math.log(20), Math.log(400))), 2);
  const baseVolume = Math.round(Math.exp(r.uniform(Math.log(1e5), Math.log(5e7))));
  return { drift, volatility, basePrice, baseVolume, meanSimpleReturn: Math.exp(drift + (volatility * volatility) / 2) - 1 };
}

function dateMs(date: string, field: string): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (!DATE.test(date) || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new MarketInputError(`${field} "${date}" is not a calendar date: use YYYY-MM-DD.`);
  }
  return ms;
}

const isWeekday = (ms: number): boolean => {
  const d = new Date(ms).getUTCDay();
  return d !== 0 && d !== 6;
};

/** Bars for every weekday in [from, to] (inclusive), oldest first. */
export function simulatePrices(symbol: string, seed: number, from: string, to: string): PriceBar[] {
  const fromMs = dateMs(from, 'from');
  const toMs = dateMs(to, 'to');
  const baseMs = dateMs(BASE_DATE, 'BASE_DATE');
  if (fromMs > toMs) throw new MarketInputError(`simulatePrices(${symbol}): from ${from} is after to ${to}; swap them.`);
  if (fromMs < baseMs) {
    throw new MarketInputError(`simulatePrices(${symbol}): from ${from} is before ${BASE_DATE}, where simulated prices begin; start on or after it.`);
  }
  const p = simulatorParams(symbol, seed);
  const r = seeded(seed, 'market-walk', symbol);
  const bars: PriceBar[] = [];
  let prevClose = p.basePrice;
  let logClose = Math.log(p.basePrice);
  for (let ms = baseMs, first = true; ms <= toMs; ms += DAY_MS) {
    if (!isWeekday(ms)) continue;
    // Every trading day consumes exactly the same number of draws, whether or not it is emitted.
    const d = drawDay(r);
    if (!first) logClose += p.drift + p.volatility * d.ret;
    first = false;
    if (ms < fromMs) {
      prevClose = Math.exp(logClose);
      continue;
    }
    bars.push(barOf(symbol, new Date(ms).toISOString().slice(0, 10), prevClose, Math.exp(logClose), d, p));
    prevClose = Math.exp(logClose);
  }
  return bars;
}

interface DayDraws {
  ret: number;
  gap: number;
  up: number;
  down: number;
  activity: number;
}

function drawDay(r: Random): DayDraws {
  return { ret: r.normal(), gap: r.normal(), up: r.normal(), down: r.normal(), activity: r.normal() };
}

function barOf(symbol: string, trade_date: string, prevClose: number, close: number, d: DayDraws, p: SimulatorParams): PriceBar {
  // The open gaps a little from yesterday's close; high and low reach beyond the open–close body.
  const open = prevClose * Math.exp(0.25 * p.volatility * d.gap);
  const high = Math.max(open, close) * Math.exp(0.5 * p.volatility * Math.abs(d.up));
  const low = Math.min(open, close) * Math.exp(-0.5 * p.volatility * Math.abs(d.down));
  // Big moves trade more.
  const volume = Math.round(p.baseVolume * Math.exp(0.25 * d.activity) * (1 + 0.3 * Math.abs(d.ret)));
  const c = roundTo(close, 4);
  return { symbol, trade_date, open: roundTo(open, 4), high: roundTo(high, 4), low: roundTo(low, 4), close: c, adj_close: c, volume };
}

/** The simulator as a PriceProvider (the default `market.provider`). */
export function simulatorProvider(seed: number): PriceProvider {
  return {
    name: 'simulator',
    fetchDaily: async (symbol, from, to) => simulatePrices(symbol, seed, from, to),
  };
}
