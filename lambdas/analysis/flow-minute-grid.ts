/**
 * The 1-minute grid of flow sensors on the LOCAL wall clock. Water demand follows the clock on the
 * wall (people shower at 07:00 local, summer time or not), so every flow analysis buckets minutes by
 * local day and local minute-of-day. A local day is not always 1,440 minutes: the spring-forward day
 * has 1,380, the fall-back day 1,500 (its repeated hour maps onto the same minutes-of-day twice).
 *
 * Offsets come from {@link utcOffsetMs}, cached per UTC hour, so labelling a million minutes costs
 * a million map look-ups, not a million Intl calls. Zones whose DST switch is not on a whole UTC
 * hour or half hour (none in use today) would be labelled up to 30 minutes late around the switch.
 */
import { utcOffsetMs as offsetAt } from './local-time';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
/** Minutes in a wall-clock day (the slot space of minute-of-day profiles). */
export const WALL_MINUTES = 1440;

export class FlowInputError extends Error {
  override readonly name = 'FlowInputError';
}

/** Local calendar day number (days since 1970-01-01 on the wall clock) of a UTC instant. */
export function localDayNumber(ms: number, timezone: string): number {
  return Math.floor((ms + offsetAt(ms, timezone)) / DAY_MS);
}

/** `YYYY-MM-DD` ↔ local day number. */
export const dayNumberOf = (date: string): number => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || new Date(ms).toISOString().slice(0, 10) !== date) throw new FlowInputError(`"${date}" is not a calendar date: use YYYY-MM-DD, e.g. 2026-12-02.`);
  return ms / DAY_MS;
};
export const dateOfDayNumber = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** 0 = Sunday … 6 = Saturday, of a local day number. */
export const weekdayOfDay = (day: number): number => (((day + 4) % 7) + 7) % 7;
export const isWeekendDay = (day: number): boolean => {
  const w = weekdayOfDay(day);
  return w === 0 || w === 6;
};

/**
 * UTC instant of the first minute of a local day. Normally local midnight; where midnight itself is
 * skipped by a DST switch (some zones switch at 00:00), the first minute that exists on that date.
 */
export function localDayStartMs(day: number, timezone: string): number {
  const wall = day * DAY_MS;
  let t = wall - offsetAt(wall, timezone);
  t = wall - offsetAt(t, timezone);
  // Walk to the first minute whose local date is `day` (at most the length of a DST shift).
  for (let i = 0; i < 180 && localDayNumber(t - MINUTE_MS, timezone) >= day; i++) t -= MINUTE_MS;
  for (let i = 0; i < 180 && localDayNumber(t, timezone) < day; i++) t += MINUTE_MS;
  return t;
}

/** Local labels of `count` consecutive minutes starting at `startMs` (a whole UTC minute). */
export interface LocalMinutes {
  /** Local day number of each minute. */
  day: Int32Array;
  /** Wall-clock minute of the local day, 0–1439 (the repeated hour of a fall-back day repeats it). */
  minuteOfDay: Int16Array;
}

export function localMinutes(startMs: number, count: number, timezone: string): LocalMinutes {
  if (startMs % MINUTE_MS !== 0) throw new FlowInputError(`Minute grid start ${new Date(startMs).toISOString()} is not on a whole minute.`);
  const day = new Int32Array(count);
  const minuteOfDay = new Int16Array(count);
  let quarterKey = NaN;
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const t = startMs + i * MINUTE_MS;
    const q = Math.floor(t / 900_000);
    if (q !== quarterKey) (quarterKey = q), (offset = offsetAt(t, timezone));
    const wall = t + offset;
    const d = Math.floor(wall / DAY_MS);
    day[i] = d;
    minuteOfDay[i] = Math.floor((wall - d * DAY_MS) / MINUTE_MS);
  }
  return { day, minuteOfDay };
}

/** Contiguous index ranges of one local day each, in order: [from, to). */
export function dayRanges(day: Int32Array): { day: number; from: number; to: number }[] {
  const out: { day: number; from: number; to: number }[] = [];
  for (let i = 0; i < day.length; ) {
    let j = i + 1;
    while (j < day.length && day[j] === day[i]) j++;
    out.push({ day: day[i]!, from: i, to: j });
    i = j;
  }
  return out;
}

/** A device's minutes on a dense grid: index i is `startMs + i` minutes; NaN = no reading. */
export interface MinuteSeries {
  startMs: number;
  flow: Float64Array;
  pressure: Float64Array;
}

/**
 * Readings (UTC ms on whole minutes, any order) onto a dense grid from the first to the last minute.
 * A minute given twice keeps the later value (the re-sent reading).
 */
export function toMinuteSeries(t: ArrayLike<number>, flow: ArrayLike<number>, pressure: ArrayLike<number>): MinuteSeries {
  if (t.length === 0) return { startMs: 0, flow: new Float64Array(0), pressure: new Float64Array(0) };
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < t.length; i++) {
    if (t[i]! % MINUTE_MS !== 0) throw new FlowInputError(`Reading at ${new Date(t[i]!).toISOString()} is not on a whole minute.`);
    lo = Math.min(lo, t[i]!);
    hi = Math.max(hi, t[i]!);
  }
  const n = (hi - lo) / MINUTE_MS + 1;
  const f = new Float64Array(n).fill(NaN);
  const p = new Float64Array(n).fill(NaN);
  for (let i = 0; i < t.length; i++) {
    const k = (t[i]! - lo) / MINUTE_MS;
    f[k] = flow[i]!;
    p[k] = pressure[i]!;
  }
  return { startMs: lo, flow: f, pressure: p };
}
