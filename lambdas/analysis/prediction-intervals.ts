/**
 * Empirical prediction intervals from backtest residuals: the interval of horizon step h is
 * ŷ + [q(α/2), q(1 − α/2)] of the residuals observed at similar lead times. Residuals are pooled per
 * day of lead time (hours 1–24, 25–48, …) so each quantile rests on origins × 24 values rather than
 * a handful, while intervals still widen with the horizon. No distribution is assumed.
 */
import { quantile } from './robust-stats';

export interface Interval {
  lo80: Float64Array;
  hi80: Float64Array;
  lo95: Float64Array;
  hi95: Float64Array;
}

export interface IntervalOptions {
  /** Lead-time block over which residuals are pooled. Default 24 hours. */
  pool?: number;
  /** Lower bound of every interval (energy is never negative). Default 0. */
  floor?: number;
}

export function predictionIntervals(yhat: Float64Array, residuals: number[][], options: IntervalOptions = {}): Interval {
  const pool = options.pool ?? 24;
  const floor = options.floor ?? 0;
  const n = yhat.length;
  const out: Interval = {
    lo80: new Float64Array(n),
    hi80: new Float64Array(n),
    lo95: new Float64Array(n),
    hi95: new Float64Array(n),
  };
  const cache = new Map<number, [number, number, number, number]>();
  for (let h = 0; h < n; h++) {
    const block = Math.floor(h / pool);
    let q = cache.get(block);
    if (!q) {
      const pooled = residuals.slice(block * pool, Math.min(residuals.length, (block + 1) * pool)).flat();
      // Beyond the backtested horizon, reuse the last block (the widest lead time measured).
      const values = pooled.length ? pooled : residuals.flat();
      q = [quantile(values, 0.1), quantile(values, 0.9), quantile(values, 0.025), quantile(values, 0.975)];
      cache.set(block, q);
    }
    out.lo80[h] = Math.max(floor, yhat[h]! + q[0]);
    out.hi80[h] = Math.max(floor, yhat[h]! + q[1]);
    out.lo95[h] = Math.max(floor, yhat[h]! + q[2]);
    out.hi95[h] = Math.max(floor, yhat[h]! + q[3]);
  }
  return out;
}
