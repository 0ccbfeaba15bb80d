/**
 * The hourly flow forecast of one device for the 168 hours from the next local midnight after the
 * issue date (the device file's hours), with 80 % intervals, and the backtest it is published with.
 *
 * The series is the device's hourly mean flow on the LOCAL wall clock (local-hourly.ts: demand
 * follows the wall clock across DST). The model is chosen by rolling-origin backtest among the
 * weekly seasonal-naive baseline, double-seasonal Holt-Winters and the weekly profile with a
 * drifting level (choose-forecast.ts's models and rule: lowest MASE wins; the backtest errors
 * give the interval, see chooseFlowForecast). An hour with
 * fewer than 30 minutes of readings is missing rather than a mean of a few minutes.
 *
 * The 168 targets are real (UTC) hours; a spring-forward week needs 169 local-hour forecasts to
 * cover them and a fall-back week gives its repeated hour the same local-hour value twice.
 */
import { backtest, seasonalNaiveScale } from './backtest';
import { DEFAULT_MODELS } from './choose-forecast';
import { dayNumberOf, localDayStartMs } from './flow-minute-grid';
import type { SensorHour } from './flow-hourly';
import { localHourIndex, toLocalHourly } from './local-hourly';
import { quantile } from './robust-stats';
import { weeklyNaive } from './seasonal-naive';

const HOUR_MS = 3_600_000;
export const FORECAST_HOURS = 168;
/** Hours of history the models see (8 weeks): older demand says little about next week. */
const MAX_HISTORY = 8 * 168;
const MIN_MINUTES = 30;

export interface ForecastHour {
  /** UTC ms of the target hour start. */
  targetHourMs: number;
  flowLpm: number;
  lo80: number;
  hi80: number;
}

export interface DeviceForecast {
  issuedOn: string;
  chosenModel: string;
  /** Rolling-origin backtest of each candidate (MASE 1 = as good as same hour last week). */
  scores: { model: string; mape: number; mase: number }[];
  hours: ForecastHour[];
}

/** UTC starts of the 168 hours from the local midnight that ends `issueDate`. */
export function forecastTargetHours(issueDate: string, timezone: string): number[] {
  const first = localDayStartMs(dayNumberOf(issueDate) + 1, timezone);
  return Array.from({ length: FORECAST_HOURS }, (_, k) => first + k * HOUR_MS);
}

/** Local-hourly history ending just before `cutoffMs` (NaN-padded to it). */
function history(hours: readonly SensorHour[], timezone: string, cutoffMs: number): { y: Float64Array; end: number } {
  const end = localHourIndex(cutoffMs, timezone);
  const used = hours.filter((h) => h.hourMs < cutoffMs && h.hourMs >= cutoffMs - (MAX_HISTORY + 48) * HOUR_MS);
  const series = toLocalHourly(
    used.map((h) => h.hourMs),
    used.map((h) => (h.flowMean !== null && h.minutes >= MIN_MINUTES ? h.flowMean : NaN)),
    timezone,
  );
  const from = Math.max(series.start, end - MAX_HISTORY);
  const y = new Float64Array(Math.max(0, end - from)).fill(NaN);
  for (let k = 0; k < series.y.length; k++) {
    const idx = series.start + k - from;
    if (idx >= 0 && idx < y.length) y[idx] = series.y[k]!;
  }
  return { y, end };
}

/** Forecast issued on `issueDate` (history up to its end), or `skipped` with the reason when the history is too short. */
export function forecastDevice(hours: readonly SensorHour[], timezone: string, issueDate: string): DeviceForecast | { issuedOn: string; skipped: string } {
  const targets = forecastTargetHours(issueDate, timezone);
  const { y, end } = history(hours, timezone, targets[0]!);
  const horizon = localHourIndex(targets.at(-1)!, timezone) - end + 1;
  let known = 0;
  for (const v of y) if (!Number.isNaN(v)) known++;
  if (y.length < 2 * 168 + horizon || known < 14 * 24) {
    return { issuedOn: issueDate, skipped: `needs 15 days of hourly flow before ${issueDate}, has ${Math.floor(known / 24)} days of hours` };
  }
  const f = chooseFlowForecast(y, horizon);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    issuedOn: issueDate,
    chosenModel: f.chosenModel,
    scores: f.scores,
    hours: targets.map((t) => {
      const k = localHourIndex(t, timezone) - end;
      return { targetHourMs: t, flowLpm: round(Math.max(0, f.yhat[k]!)), lo80: round(f.lo80[k]!), hi80: round(f.hi80[k]!) };
    }),
  };
}

/**
 * choose-forecast.ts's choice (every model backtested, lowest MASE wins and is refitted on all the
 * history), with the flow's own 80 % interval: ŷ ± the 80th percentile of the chosen model's
 * absolute backtest errors, pooled over the whole horizon (floored at 0 L/min).
 *
 * Why not prediction-intervals.ts (quantiles of signed errors per day of lead time): on a month of
 * history Holt-Winters and the profile model have three backtest origins, so each day-of-lead block
 * saw three days' demand levels and its interval covered 58 % of a hold-out week (20 devices × 30
 * days, seed 7); pooled over the horizon 65 %; symmetric over the horizon 71 % (London, seed 23:
 * 60 / 65 / 71 %). A week-ahead flow error is mostly the day's demand level, which does not grow
 * with the lead time, so one width for the week loses little.
 */
function chooseFlowForecast(y: Float64Array, horizon: number) {
  const results = DEFAULT_MODELS.filter((m) => y.length >= m.minHistory + horizon + 1).map((m) => ({ model: m, result: backtest(y, m, { horizon }) }));
  const key = (mase: number) => (Number.isFinite(mase) ? mase : Infinity);
  const best = [...results].sort((a, b) => key(a.result.mase) - key(b.result.mase))[0]!;
  const yhat = best.model.forecast(y, horizon);
  const width = quantile(best.result.residuals.flat().map(Math.abs), 0.8);
  return {
    chosenModel: best.model.name,
    scores: results.map((r) => ({ model: r.result.model, mape: r.result.mape, mase: r.result.mase })),
    yhat,
    lo80: yhat.map((v) => Math.max(0, v - width)),
    hi80: yhat.map((v) => Math.max(0, v) + width),
  };
}

export interface HoldoutScore {
  /** Share of the held-out week's hours inside the published 80 % interval. */
  coverage80: number;
  /** MAE of the published forecast / in-sample MAE of same-hour-last-week. */
  mase: number;
  /** The same for the weekly seasonal-naive forecast: the baseline to beat. */
  maseNaive: number;
  hours: number;
}

/**
 * The published check: forecast as if issued a week before `issueDate`, then compare with the
 * week that happened (hourly means with ≥ 30 minutes). Null when either side is too short.
 */
export function holdoutScore(hours: readonly SensorHour[], timezone: string, issueDate: string): HoldoutScore | null {
  const earlier = new Date(Date.parse(`${issueDate}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
  const f = forecastDevice(hours, timezone, earlier);
  if (!('hours' in f)) return null;
  const actual = new Map(hours.filter((h) => h.flowMean !== null && h.minutes >= MIN_MINUTES).map((h) => [h.hourMs, h.flowMean!]));
  const { y } = history(hours, timezone, f.hours[0]!.targetHourMs);
  const scale = seasonalNaiveScale(y, 168);
  const naive = weeklyNaive.forecast(y, f.hours.length + 2);
  const end = localHourIndex(f.hours[0]!.targetHourMs, timezone);
  let inside = 0;
  let n = 0;
  let ae = 0;
  let aeNaive = 0;
  for (const h of f.hours) {
    const a = actual.get(h.targetHourMs);
    const b = naive[localHourIndex(h.targetHourMs, timezone) - end]!;
    if (a === undefined || Number.isNaN(b)) continue;
    n++;
    if (a >= h.lo80 && a <= h.hi80) inside++;
    ae += Math.abs(a - h.flowLpm);
    aeNaive += Math.abs(a - b);
  }
  if (n === 0 || !(scale > 0)) return null;
  return { coverage80: inside / n, mase: ae / n / scale, maseNaive: aeNaive / n / scale, hours: n };
}

