/**
 * The hourly flow forecast of one device for the 168 hours from the next local midnight after the
 * issue date (the device file's hours), with 80 % intervals, and the backtest it is published with.
 *
 * The series is the device's hourly mean flow on the LOCAL wall clock (local-hourly.ts: demand
 * follows the wall clock across DST). The model is chosen by rolling-origin backtest among the
 * weekly seasonal-naive baseline, double-seasonal Holt-Winters and the weekly profile with a
 * drifting level (choose-forecast.ts: lowest MASE wins; residuals give the intervals). An hour with
 * fewer than 30 minutes of readings is missing rather than a mean of a few minutes.
 *
 * The 168 targets are real (UTC) hours; a spring-forward week needs 169 local-hour forecasts to
 * cover them and a fall-back week gives its repeated hour the same local-hour value twice.
 */
import { seasonalNaiveScale } from './backtest';
import { chooseForecast } from './choose-forecast';
import { dayNumberOf, localDayStartMs } from './flow-minute-grid';
import type { SensorHour } from './flow-hourly';
import { localHourIndex, toLocalHourly } from './local-hourly';
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

/** Forecast issued on `issueDate` (history up to its end), or null with the reason when history is too short. */
export function forecastDevice(hours: readonly SensorHour[], timezone: string, issueDate: string): DeviceForecast | { issuedOn: string; skipped: string } {
  const targets = forecastTargetHours(issueDate, timezone);
  const { y, end } = history(hours, timezone, targets[0]!);
  const horizon = localHourIndex(targets.at(-1)!, timezone) - end + 1;
  let known = 0;
  for (const v of y) if (!Number.isNaN(v)) known++;
  if (y.length < 2 * 168 + horizon || known < 14 * 24) {
    return { issuedOn: issueDate, skipped: `needs 15 days of hourly flow before ${issueDate}, has ${Math.floor(known / 24)} days of hours` };
  }
  const f = chooseForecast(y, horizon);
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

