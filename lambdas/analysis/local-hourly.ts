/**
 * Hourly series on the LOCAL wall clock. Household load follows the clock on the wall, so in UTC the
 * whole daily shape moves by an hour at every DST change and a weekly-seasonal model sees a "new"
 * week; on the local clock it does not. Each UTC hour maps to a local hour index
 * floor((utc + offset) / 1 h): the spring-forward hour has no UTC hour (NaN, which the models treat
 * as missing) and the fall-back hour gets two, which are averaged (kWh per real hour).
 */
import { utcOffsetMs } from './local-time';

const HOUR = 3_600_000;

export function localHourIndex(utcMs: number, timezone: string): number {
  return Math.floor((utcMs + utcOffsetMs(utcMs, timezone)) / HOUR);
}

export interface LocalHourly {
  /** Local hour index (local wall-clock ms / 1 h) of y[0]. */
  start: number;
  /** Values per local hour; NaN where no UTC hour maps (missing data or the spring-forward hour). */
  y: Float64Array;
}

/** From UTC hour starts (ms) and values to a dense local-hour series. */
export function toLocalHourly(utcHours: readonly number[], values: readonly number[], timezone: string): LocalHourly {
  if (utcHours.length === 0) return { start: 0, y: new Float64Array(0) };
  const idx = utcHours.map((t) => localHourIndex(t, timezone));
  const start = Math.min(...idx);
  const end = Math.max(...idx);
  const sum = new Float64Array(end - start + 1);
  const count = new Uint8Array(end - start + 1);
  idx.forEach((k, i) => {
    if (!Number.isFinite(values[i]!)) return;
    sum[k - start]! += values[i]!;
    count[k - start]!++;
  });
  return { start, y: sum.map((s, i) => (count[i] ? s / count[i]! : NaN)) };
}
