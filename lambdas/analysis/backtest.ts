/**
 * Rolling-origin backtest: for each origin (the last one `horizon` hours before the end, earlier
 * ones `step` hours apart), the model is fitted on everything before the origin and forecasts the
 * next `horizon` hours, which are compared with what happened.
 *
 * - MAPE = mean |y − ŷ| / |y| × 100 over actuals that are not zero.
 * - MASE = mean |y − ŷ| / (in-sample MAE of the weekly seasonal-naive forecast on the training
 *   part), averaged over origins: 1 means "as good as same hour last week".
 *
 * Residuals (y − ŷ) are kept per horizon step so prediction intervals can be built from them.
 */
import type { ForecastModel } from './forecast-model';

export interface BacktestOptions {
  /** Hours forecast from each origin. Default 168. */
  horizon?: number;
  /** Number of origins. Default 7. */
  origins?: number;
  /** Hours between origins. Default 24. */
  step?: number;
  /** Season of the MASE scale. Default 168 (weekly). */
  scalePeriod?: number;
}

export interface BacktestResult {
  model: string;
  mape: number;
  mase: number;
  /** residuals[h] = residuals of horizon step h (0-based) over all origins. */
  residuals: number[][];
  /** byOrigin[k][h] = residual of origin k at step h (NaN where the actual is missing). */
  byOrigin: Float64Array[];
  origins: number;
}

/** In-sample MAE of the seasonal-naive forecast with period m (the MASE denominator). */
export function seasonalNaiveScale(y: ArrayLike<number>, m: number): number {
  let sum = 0;
  let count = 0;
  for (let t = m; t < y.length; t++) {
    const d = y[t]! - y[t - m]!;
    if (Number.isFinite(d)) (sum += Math.abs(d)), count++;
  }
  return count ? sum / count : NaN;
}

/** Origins (indices where the forecast starts), oldest first, that leave `minHistory` to train on. */
export function backtestOrigins(n: number, minHistory: number, o: Required<BacktestOptions>): number[] {
  const out: number[] = [];
  for (let k = o.origins - 1; k >= 0; k--) {
    const origin = n - o.horizon - k * o.step;
    if (origin >= Math.max(minHistory, o.scalePeriod + 1)) out.push(origin);
  }
  return out;
}

export function backtest(y: Float64Array, model: ForecastModel, options: BacktestOptions = {}): BacktestResult {
  const o: Required<BacktestOptions> = { horizon: 168, origins: 7, step: 24, scalePeriod: 168, ...options };
  const origins = backtestOrigins(y.length, model.minHistory, o);
  if (origins.length === 0) {
    throw new Error(
      `Backtest of ${model.name} needs at least ${Math.max(model.minHistory, o.scalePeriod + 1) + o.horizon} hourly values, got ${y.length}.`,
    );
  }
  const residuals: number[][] = Array.from({ length: o.horizon }, () => []);
  const byOrigin: Float64Array[] = [];
  let apeSum = 0;
  let apeCount = 0;
  let maseSum = 0;
  let maseCount = 0;
  for (const origin of origins) {
    const train = y.subarray(0, origin);
    const forecast = model.forecast(train, o.horizon);
    const scale = seasonalNaiveScale(train, o.scalePeriod);
    let aeSum = 0;
    let aeCount = 0;
    const mine = new Float64Array(o.horizon).fill(NaN);
    byOrigin.push(mine);
    for (let h = 0; h < o.horizon; h++) {
      const actual = y[origin + h]!;
      const err = actual - forecast[h]!;
      if (!Number.isFinite(err)) continue;
      mine[h] = err;
      residuals[h]!.push(err);
      aeSum += Math.abs(err);
      aeCount++;
      if (actual !== 0) (apeSum += Math.abs(err / actual)), apeCount++;
    }
    if (aeCount && scale > 0) (maseSum += aeSum / aeCount / scale), maseCount++;
  }
  return {
    model: model.name,
    mape: apeCount ? (apeSum / apeCount) * 100 : NaN,
    mase: maseCount ? maseSum / maseCount : NaN,
    residuals,
    byOrigin,
    origins: origins.length,
  };
}
