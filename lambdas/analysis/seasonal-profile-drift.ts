/**
 * Weekly profile × drifting level: the shape of the week estimated from many weeks at once (so the
 * noise of any single week averages out), scaled by a level that follows the recent trend (so slow
 * seasonal change is tracked, which "same hour last week" always lags).
 *
 *   M_k      = mean of complete week k (the last `weeks` weeks before the origin)
 *   r_k(j)   = y_k(j) / M_k                       the week's shape, hour j = 0…167
 *   S(j)     = weighted mean of r_k(j), weights λ^age, after clipping each r_k(j) to its
 *              median ± 3 robust σ across weeks (a spike or an outage in one week does not leak)
 *   level(h) = least-squares line through the last `trendWeeks` M_k, extrapolated to the forecast hour
 *   ŷ(n+h)   = level(h) × S(h mod 168)
 */
import type { ForecastModel } from './forecast-model';
import { MAD_TO_SIGMA, mad, median } from './robust-stats';

const WEEK = 168;

export interface ProfileDriftOptions {
  /** Complete weeks used for the shape. Default 8. */
  weeks?: number;
  /** Weeks the level trend is fitted on. Default 2: near a seasonal turning point a longer line overshoots. */
  trendWeeks?: number;
  /** Weight decay per week of age. Default 0.85. */
  decay?: number;
}

export function profileDriftForecast(y: Float64Array, horizon: number, options: ProfileDriftOptions = {}): Float64Array {
  const available = Math.floor(y.length / WEEK);
  const K = Math.min(options.weeks ?? 8, available);
  if (K < 2) throw new Error(`Profile-drift forecast needs at least ${2 * WEEK} hourly values (2 weeks), got ${y.length}.`);
  const decay = options.decay ?? 0.85;
  const n = y.length;
  // Week k = 0 is the oldest used; week K-1 ends at the origin.
  const means: number[] = [];
  const ratios: Float64Array[] = [];
  for (let k = 0; k < K; k++) {
    const from = n - (K - k) * WEEK;
    let sum = 0;
    let count = 0;
    for (let j = 0; j < WEEK; j++) if (Number.isFinite(y[from + j]!)) (sum += y[from + j]!), count++;
    const m = count ? sum / count : NaN;
    means.push(m);
    ratios.push(Float64Array.from({ length: WEEK }, (_, j) => y[from + j]! / m));
  }
  const shape = new Float64Array(WEEK);
  for (let j = 0; j < WEEK; j++) {
    const column = ratios.map((r) => r[j]!).filter(Number.isFinite);
    if (!column.length) {
      shape[j] = 1;
      continue;
    }
    const c = median(column);
    const spread = Math.max(3 * MAD_TO_SIGMA * mad(column, c), 1e-9);
    let num = 0;
    let den = 0;
    for (let k = 0; k < K; k++) {
      const r = ratios[k]![j]!;
      if (!Number.isFinite(r)) continue;
      const w = decay ** (K - 1 - k);
      num += w * Math.min(c + spread, Math.max(c - spread, r));
      den += w;
    }
    shape[j] = num / den;
  }
  // Level trend through the weekly means of the last `trendWeeks` weeks (x = week index, centred).
  const T = Math.min(options.trendWeeks ?? 2, K);
  const xs: number[] = [];
  const ms: number[] = [];
  for (let k = K - T; k < K; k++) if (Number.isFinite(means[k]!)) xs.push(k), ms.push(means[k]!);
  const xbar = xs.reduce((a, b) => a + b, 0) / xs.length;
  const mbar = ms.reduce((a, b) => a + b, 0) / ms.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => ((sxy += (x - xbar) * (ms[i]! - mbar)), (sxx += (x - xbar) ** 2)));
  const slope = sxx > 0 ? sxy / sxx : 0;
  const out = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) {
    // Week k's mean sits at its centre, x = k + 0.5 − 0.5 = k in "week start" units; hour h of the
    // next week is at x = K − 0.5 + (h + 0.5) / 168.
    const x = K - 0.5 + (h + 0.5) / WEEK;
    out[h] = (mbar + slope * (x - xbar)) * shape[h % WEEK]!;
  }
  return out;
}

export const seasonalProfileDrift: ForecastModel = {
  name: 'weekly-profile-drift',
  minHistory: 2 * WEEK,
  forecast: (history, horizon) => profileDriftForecast(history, horizon),
};
