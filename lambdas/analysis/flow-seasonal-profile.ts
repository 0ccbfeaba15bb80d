/**
 * "What this device normally reads at this minute": a robust minute-of-day profile of one channel
 * of one device, built only from the device's own recent days of the same kind (weekday or weekend
 * day), before the day being scored — what a daily run knows.
 *
 * - expected: the median of the history in each 15-minute wall-clock slot, interpolated linearly
 *   between slot centres (demand ramps within a slot; a step profile would score every ramp);
 * - scale: 1.4826 × the median absolute deviation of the history from that expected line, pooled
 *   over the slot and its two neighbours (~225 values per five days), floored so a quiet channel is
 *   not scored on its rounding. Each history minute is first brought to the trailing level of its
 *   own day (flow-level.ts; the day's median level for its first hour), exactly as the scorer
 *   does (flow-outliers.ts), so the scale is the error of the same predictor on days already seen.
 *
 * Medians make the profile robust to a burst, a dropout or a stuck run in the history: one bad day
 * of five moves nothing.
 */
import { deviationOf, LEVEL, median, neutralLevel, TrailingLevel, type LevelKind } from './flow-level';
import { MAD_TO_SIGMA } from './robust-stats';
import { WALL_MINUTES } from './flow-minute-grid';

export const SLOT_MINUTES = 15;
export const SLOTS = WALL_MINUTES / SLOT_MINUTES;

export interface ProfileOptions {
  /** Fewest history values a slot needs to be scored. Default 20 (of ~75 for five full days). */
  minValues?: number;
  /** Scale floor: a fraction of the expected value. */
  relativeFloor: number;
  /** Scale floor: an absolute value in the channel's unit. */
  absoluteFloor: number;
  /** How a day's level differs from the profile: by a factor (flow) or an offset (pressure). */
  level: LevelKind;
}

export interface Profile {
  /** Expected value per wall-clock minute (1,440); NaN where the slot has too little history. */
  expected: Float64Array;
  /** Robust scale per wall-clock minute (1,440), floored; NaN like `expected`. */
  scale: Float64Array;
}

const medianOf = median;

/**
 * Profile from history minutes: `values[i]` read at wall-clock minute `minuteOfDay[i]`, for the
 * indices in `ranges` (each a [from, to) range of one history day). NaN values are skipped.
 */
export function minuteProfile(
  values: Float64Array,
  minuteOfDay: Int16Array,
  ranges: readonly { from: number; to: number }[],
  o: ProfileOptions,
): Profile {
  const minValues = o.minValues ?? 20;
  // Bucket the history by slot (two passes: count, then fill), without per-slot JS arrays.
  const counts = new Int32Array(SLOTS + 1);
  for (const r of ranges) for (let i = r.from; i < r.to; i++) if (!Number.isNaN(values[i]!)) counts[Math.floor(minuteOfDay[i]! / SLOT_MINUTES) + 1]!++;
  for (let s = 0; s < SLOTS; s++) counts[s + 1]! += counts[s]!;
  const total = counts[SLOTS]!;
  const bucketed = new Float64Array(total);
  const bucketMinute = new Int16Array(total);
  const bucketDay = new Int32Array(total);
  const bucketIndex = new Int32Array(total);
  const fill = counts.slice(0, SLOTS);
  ranges.forEach((r, day) => {
    for (let i = r.from; i < r.to; i++) {
      if (Number.isNaN(values[i]!)) continue;
      const k = fill[Math.floor(minuteOfDay[i]! / SLOT_MINUTES)]!++;
      bucketed[k] = values[i]!;
      bucketMinute[k] = minuteOfDay[i]!;
      bucketDay[k] = day;
      bucketIndex[k] = i;
    }
  });
  const scratch = new Float64Array(Math.max(1, total));
  const slotMedian = new Float64Array(SLOTS).fill(NaN);
  for (let s = 0; s < SLOTS; s++) {
    const n = counts[s + 1]! - counts[s]!;
    if (n < minValues) continue;
    scratch.set(bucketed.subarray(counts[s]!, counts[s + 1]!));
    slotMedian[s] = medianOf(scratch, n);
  }
  const expected = new Float64Array(WALL_MINUTES);
  for (let m = 0; m < WALL_MINUTES; m++) {
    // Slot s is centred on minute 15s + 7; interpolate between the two nearest centres (circular).
    const pos = (m - (SLOT_MINUTES - 1) / 2) / SLOT_MINUTES;
    const s0 = Math.floor(pos);
    const w = pos - s0;
    const a = slotMedian[(s0 + SLOTS) % SLOTS]!;
    const b = slotMedian[(s0 + 1) % SLOTS]!;
    expected[m] = Number.isNaN(a) ? b : Number.isNaN(b) ? a : a + w * (b - a);
    if (Number.isNaN(slotMedian[Math.floor(m / SLOT_MINUTES)]!)) expected[m] = NaN;
  }
  // Each history minute's deviation at the trailing level of its own day, as the scorer sees it.
  const atLevel = new Float64Array(ranges.reduce((m, r) => Math.max(m, r.to - r.from), 1));
  const deviation = new Float64Array(total);
  const levelAt: Float64Array[] = [];
  ranges.forEach((r, day) => {
    const dev = new Float64Array(r.to - r.from);
    let n = 0;
    for (let i = r.from; i < r.to; i++) {
      dev[i - r.from] = deviationOf(o.level, values[i]!, expected[minuteOfDay[i]!]!);
      if (!Number.isNaN(dev[i - r.from]!)) atLevel[n++] = dev[i - r.from]!;
    }
    const dayLevel = n ? medianOf(atLevel, n) : neutralLevel(o.level);
    const trailing = new TrailingLevel(dayLevel);
    const levels = new Float64Array(r.to - r.from);
    for (let b = 0; b < dev.length; b += LEVEL.blockMinutes) {
      levels.fill(trailing.level(), b, Math.min(dev.length, b + LEVEL.blockMinutes));
      trailing.push(dev, b, Math.min(dev.length, b + LEVEL.blockMinutes));
    }
    levelAt[day] = levels;
  });
  for (let k = 0; k < total; k++) {
    const e = expected[bucketMinute[k]!]!;
    const level = levelAt[bucketDay[k]!]![bucketIndex[k]! - ranges[bucketDay[k]!]!.from]!;
    deviation[k] = Math.abs(bucketed[k]! - (o.level === 'ratio' ? e * level : e + level));
  }
  const slotScale = new Float64Array(SLOTS).fill(NaN);
  for (let s = 0; s < SLOTS; s++) {
    if (Number.isNaN(slotMedian[s]!)) continue;
    let n = 0;
    for (const t of [s - 1, s, s + 1]) {
      const u = (t + SLOTS) % SLOTS;
      for (let k = counts[u]!; k < counts[u + 1]!; k++) if (!Number.isNaN(deviation[k]!)) scratch[n++] = deviation[k]!;
    }
    slotScale[s] = MAD_TO_SIGMA * medianOf(scratch, n);
  }
  const scale = new Float64Array(WALL_MINUTES);
  for (let m = 0; m < WALL_MINUTES; m++) {
    const e = expected[m]!;
    scale[m] = Number.isNaN(e) ? NaN : Math.max(slotScale[Math.floor(m / SLOT_MINUTES)]!, o.relativeFloor * Math.abs(e), o.absoluteFloor);
  }
  return { expected, scale };
}
