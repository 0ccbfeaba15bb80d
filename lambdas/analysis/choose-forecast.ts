/**
 * The published forecast: every candidate model is backtested (rolling origin), the one with the
 * lowest MASE is refitted on the whole history and forecasts the horizon, and its backtest residuals
 * give the 80% and 95% prediction intervals. Candidates that cannot fit the history length are
 * skipped; the weekly seasonal-naive baseline always takes part.
 */
import { backtest, type BacktestOptions } from './backtest';
import type { ForecastModel } from './forecast-model';
import { doubleSeasonalHoltWinters } from './holt-winters';
import { backtestCoverage, predictionIntervals, type Interval } from './prediction-intervals';
import { weeklyNaive } from './seasonal-naive';
import { seasonalProfileDrift } from './seasonal-profile-drift';

export const DEFAULT_MODELS: readonly ForecastModel[] = [weeklyNaive, doubleSeasonalHoltWinters, seasonalProfileDrift];

export interface ChosenForecast extends Interval {
  chosenModel: string;
  scores: { model: string; mape: number; mase: number }[];
  yhat: Float64Array;
  /** Out-of-sample coverage of the chosen model's 80 % and 95 % intervals in its backtest. */
  coverage: { p80: number; p95: number };
}

export function chooseForecast(
  history: Float64Array,
  horizon = 168,
  models: readonly ForecastModel[] = DEFAULT_MODELS,
  options: Omit<BacktestOptions, 'horizon'> = {},
): ChosenForecast {
  const results = models
    .filter((m) => history.length >= m.minHistory + horizon + 1)
    .map((m) => ({ model: m, result: backtest(history, m, { ...options, horizon }) }));
  if (results.length === 0) {
    throw new Error(`No forecasting model can be backtested on ${history.length} hourly values; at least ${168 + horizon + 1} are needed.`);
  }
  const key = (mase: number) => (Number.isFinite(mase) ? mase : Infinity);
  const ranked = [...results].sort((a, b) => key(a.result.mase) - key(b.result.mase));
  const best = ranked[0]!;
  const yhat = best.model.forecast(history, horizon);
  return {
    chosenModel: best.model.name,
    scores: results.map((r) => ({ model: r.result.model, mape: r.result.mape, mase: r.result.mase })),
    yhat,
    coverage: backtestCoverage(best.result.byOrigin),
    ...predictionIntervals(yhat, best.result.residuals),
  };
}
