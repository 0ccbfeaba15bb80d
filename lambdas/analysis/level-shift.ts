/**
 * Level-shift rule: a meter whose daily level moves away from its own seasonal baseline and STAYS
 * there for days (a new heat pump or electric car, a tenant moving out, a meter swapped for one with
 * another scale). A spike is one interval; a shift is the whole day, day after day.
 *
 * Per block of one day (the grid from the range start, 1440 / interval intervals), the median of the
 * readings' log ratios ln(value / expected) is the day's level against the meter's usual week. A
 * shift is at least `minDays` (default 4) consecutive days whose level is beyond `minRatio` (default
 * ×1.5 up or ÷1.5 down) on the same side. The half-hour noise of a home barely moves the median of a
 * day's 48 ratios, so no per-meter spread enters: what remains is weather and habits, and a home
 * using half again or a third less than usual for four days running is worth a look either way.
 * The median ignores the odd spike inside a day; a day with fewer than half its readings is no
 * evidence either way (it ends a run, as a gap does).
 */
import type { AnomalySeverity } from '../contract/results';
import { median } from './robust-stats';
import { MIN_EXPECTED_KWH } from './robust-zscore';

export interface LevelShiftOptions {
  /** Default 4 days. */
  minDays?: number;
  /** Default 1.5 (×1.5 or ÷1.5 of the usual level). */
  minRatio?: number;
}

export interface LevelShift {
  /** Grid index of the first interval of the first shifted day. */
  first: number;
  /** Intervals from the first shifted day's start to the last one's end. */
  length: number;
  /** Shifted days. */
  days: number;
  /** Median kWh per day over the shifted days, and the baseline's. */
  dailyKwh: number;
  expectedDailyKwh: number;
  /** exp(median daily log ratio): 1.8 = the level is 1.8 × the usual. */
  ratio: number;
}

/**
 * @param grid readings on the grid (NaN = missing)
 * @param expected each grid interval's baseline (NaN = unknown)
 */
export function findLevelShifts(
  grid: ArrayLike<number>,
  expected: ArrayLike<number>,
  intervalsPerDay: number,
  options: LevelShiftOptions = {},
): LevelShift[] {
  const minDays = options.minDays ?? 4;
  const limit = Math.log(options.minRatio ?? 1.5);
  const days = Math.floor(grid.length / intervalsPerDay);
  const level: number[] = [];
  const kwh: number[] = [];
  const base: number[] = [];
  for (let d = 0; d < days; d++) {
    const ratios: number[] = [];
    let sum = 0;
    let expectedSum = 0;
    for (let k = d * intervalsPerDay; k < (d + 1) * intervalsPerDay; k++) {
      const v = grid[k]!;
      const e = expected[k]!;
      if (!Number.isFinite(v) || !Number.isFinite(e)) continue;
      ratios.push(Math.log(Math.max(v, MIN_EXPECTED_KWH) / Math.max(e, MIN_EXPECTED_KWH)));
      sum += v;
      expectedSum += e;
    }
    const enough = ratios.length * 2 >= intervalsPerDay;
    level.push(enough ? median(ratios) : NaN);
    kwh.push((sum / Math.max(ratios.length, 1)) * intervalsPerDay);
    base.push((expectedSum / Math.max(ratios.length, 1)) * intervalsPerDay);
  }
  const out: LevelShift[] = [];
  let d = 0;
  while (d < days) {
    const side = Math.sign(level[d]!);
    if (!(Math.abs(level[d]!) >= limit)) {
      d++;
      continue;
    }
    let end = d;
    while (end < days && Math.abs(level[end]!) >= limit && Math.sign(level[end]!) === side) end++;
    if (end - d >= minDays) {
      out.push({
        first: d * intervalsPerDay,
        length: (end - d) * intervalsPerDay,
        days: end - d,
        dailyKwh: median(kwh.slice(d, end)),
        expectedDailyKwh: median(base.slice(d, end)),
        ratio: Math.exp(median(level.slice(d, end))),
      });
    }
    d = end;
  }
  return out;
}

/** high when the level doubles or halves, medium otherwise. */
export function levelShiftSeverity(ratio: number): AnomalySeverity {
  return ratio >= 2 || ratio <= 0.5 ? 'high' : 'medium';
}
