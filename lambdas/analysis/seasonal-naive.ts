/**
 * Seasonal-naive forecast: the value one season ago, ŷ(n+h) = y(n+h−m·k) for the smallest k that
 * lands inside the history. With m = 168 (hours in a week) it is the "same hour last week" baseline
 * every other model has to beat, and the scale of MASE.
 */
import type { ForecastModel } from './forecast-model';

export function seasonalNaiveForecast(history: ArrayLike<number>, period: number, horizon: number): Float64Array {
  const n = history.length;
  if (n < period) throw new Error(`Seasonal-naive with period ${period} needs at least ${period} values of history, got ${n}.`);
  const out = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) {
    // Walk back whole seasons past missing values (NaN) so one gap does not propagate.
    let v = NaN;
    for (let back = n - period + (h % period); back >= 0 && Number.isNaN(v); back -= period) v = history[back]!;
    out[h] = v;
  }
  return out;
}

export function seasonalNaive(period: number, name = `seasonal-naive-${period}`): ForecastModel {
  return { name, minHistory: period, forecast: (history, horizon) => seasonalNaiveForecast(history, period, horizon) };
}

/** The weekly baseline: same hour last week. */
export const weeklyNaive = seasonalNaive(168, 'seasonal-naive-weekly');
