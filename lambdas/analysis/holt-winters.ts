/**
 * Double-seasonal additive Holt-Winters (Taylor 2003) for hourly load: a level plus a daily (24)
 * and a weekly (168) seasonal component, each updated by exponential smoothing, and a first-order
 * autoregressive correction of the one-step error (φ) that helps the first hours of the horizon:
 *
 *   e_t = y_t − (l_{t−1} + d_{t−24} + w_{t−168})
 *   l_t = l_{t−1} + α e_t
 *   d_t = d_{t−24} + δ (1 − α) e_t
 *   w_t = w_{t−168} + ω (1 − α) e_t
 *   ŷ_{n+h} = l_n + d_{n+h−24k} + w_{n+h−168k} + φ^h e_n
 *
 * (the error-correction form of Taylor's equations). Initial states come from the first two weeks;
 * (α, δ, ω, φ) are chosen from a small grid by the sum of squared one-step errors after the
 * initialisation weeks. Missing observations (NaN) are replaced by their one-step forecast (e = 0).
 */
import type { ForecastModel } from './forecast-model';

const DAY = 24;
const WEEK = 168;

export interface HoltWintersParams {
  alpha: number;
  delta: number;
  omega: number;
  phi: number;
}

interface State {
  level: number;
  daily: Float64Array;
  weekly: Float64Array;
  lastError: number;
  sse: number;
}

/** Level = mean of week 1; daily = mean hour-of-day deviation; weekly = what daily leaves over. */
function initialState(y: Float64Array): State {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < WEEK; i++) if (!Number.isNaN(y[i]!)) (sum += y[i]!), count++;
  const level = count ? sum / count : 0;
  const daily = new Float64Array(DAY);
  const dailyN = new Float64Array(DAY);
  for (let i = 0; i < 2 * WEEK; i++) {
    if (Number.isNaN(y[i]!)) continue;
    daily[i % DAY]! += y[i]! - level;
    dailyN[i % DAY]!++;
  }
  for (let j = 0; j < DAY; j++) daily[j] = dailyN[j]! ? daily[j]! / dailyN[j]! : 0;
  const weekly = new Float64Array(WEEK);
  const weeklyN = new Float64Array(WEEK);
  for (let i = 0; i < 2 * WEEK; i++) {
    if (Number.isNaN(y[i]!)) continue;
    weekly[i % WEEK]! += y[i]! - level - daily[i % DAY]!;
    weeklyN[i % WEEK]!++;
  }
  for (let k = 0; k < WEEK; k++) weekly[k] = weeklyN[k]! ? weekly[k]! / weeklyN[k]! : 0;
  return { level, daily, weekly, lastError: 0, sse: 0 };
}

/**
 * Runs the filter over all of `y` (index 0 is week-hour 0 of the seasonal arrays), from `init` (the
 * initial state of `y`, computed once when many parameter sets are tried; it is not modified).
 */
function filter(y: Float64Array, p: HoltWintersParams, init: State = initialState(y)): State {
  const daily = init.daily.slice();
  const weekly = init.weekly.slice();
  let level = init.level;
  let e = 0;
  let sse = 0;
  const scoreFrom = 2 * WEEK;
  const { alpha, phi } = p;
  const dailyGain = p.delta * (1 - alpha);
  const weeklyGain = p.omega * (1 - alpha);
  // d = t mod 24 and w = t mod 168, kept as counters (the grid search runs this loop ~10⁷ times).
  for (let t = 0, d = 0, w = 0; t < y.length; t++) {
    const fitted = level + daily[d]! + weekly[w]! + phi * e;
    const obs = y[t]!;
    const err = Number.isNaN(obs) ? 0 : obs - fitted;
    if (t >= scoreFrom) sse += err * err;
    // The AR(1) term absorbs part of the error; smoothing sees the rest.
    const innovation = err + phi * e;
    level += alpha * innovation;
    daily[d]! += dailyGain * innovation;
    weekly[w]! += weeklyGain * innovation;
    e = innovation;
    if (++d === DAY) d = 0;
    if (++w === WEEK) w = 0;
  }
  return { level, daily, weekly, lastError: e, sse };
}

const GRID = {
  alpha: [0.005, 0.02, 0.05, 0.15],
  delta: [0.01, 0.05, 0.15],
  omega: [0.01, 0.05, 0.15],
  phi: [0, 0.5, 0.9],
};

export function fitHoltWinters(y: Float64Array): { params: HoltWintersParams; state: State } {
  let best: { params: HoltWintersParams; state: State } | undefined;
  const init = initialState(y);
  for (const alpha of GRID.alpha)
    for (const delta of GRID.delta)
      for (const omega of GRID.omega)
        for (const phi of GRID.phi) {
          const params = { alpha, delta, omega, phi };
          const state = filter(y, params, init);
          if (!best || state.sse < best.state.sse) best = { params, state };
        }
  return best!;
}

export function holtWintersForecast(y: Float64Array, horizon: number, params?: HoltWintersParams): Float64Array {
  if (y.length < 3 * WEEK) throw new Error(`Holt-Winters needs at least ${3 * WEEK} hourly values (3 weeks), got ${y.length}.`);
  const { params: p, state } = params ? { params, state: filter(y, params) } : fitHoltWinters(y);
  const n = y.length;
  const out = new Float64Array(horizon);
  let ar = state.lastError;
  for (let h = 0; h < horizon; h++) {
    ar *= p.phi;
    out[h] = state.level + state.daily[(n + h) % DAY]! + state.weekly[(n + h) % WEEK]! + ar;
  }
  return out;
}

export const doubleSeasonalHoltWinters: ForecastModel = {
  name: 'holt-winters-24-168',
  minHistory: 3 * WEEK,
  forecast: (history, horizon) => holtWintersForecast(history, horizon),
};
