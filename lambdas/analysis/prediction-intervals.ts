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

/**
 * How often the intervals held in the backtest, measured honestly (out of sample): for each origin,
 * the intervals are built from the OTHER origins' residuals exactly as {@link predictionIntervals}
 * builds them (pooled per day of lead time), and its own residuals are checked against them. 0.8 for
 * the 80 % interval means it covered what it claims; NaN with fewer than two origins.
 */
export function backtestCoverage(byOrigin: readonly Float64Array[], options: IntervalOptions = {}): { p80: number; p95: number } {
  const pool = options.pool ?? 24;
  if (byOrigin.length < 2) return { p80: NaN, p95: NaN };
  const horizon = byOrigin[0]!.length;
  let in80 = 0;
  let in95 = 0;
  let n = 0;
  for (let k = 0; k < byOrigin.length; k++) {
    for (let block = 0; block * pool < horizon; block++) {
      const others: number[] = [];
      for (let j = 0; j < byOrigin.length; j++) {
        if (j === k) continue;
        for (let h = block * pool; h < Math.min(horizon, (block + 1) * pool); h++) if (Number.isFinite(byOrigin[j]![h]!)) others.push(byOrigin[j]![h]!);
      }
      if (others.length === 0) continue;
      const [l80, h80, l95, h95] = [quantile(others, 0.1), quantile(others, 0.9), quantile(others, 0.025), quantile(others, 0.975)];
      for (let h = block * pool; h < Math.min(horizon, (block + 1) * pool); h++) {
        const r = byOrigin[k]![h]!;
        if (!Number.isFinite(r)) continue;
        n++;
        if (r >= l80! && r <= h80!) in80++;
        if (r >= l95! && r <= h95!) in95++;
      }
    }
  }
  return n ? { p80: in80 / n, p95: in95 / n } : { p80: NaN, p95: NaN };
}
