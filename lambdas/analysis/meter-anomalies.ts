/**
 * All statistical rules for one meter over one detection range, in the order that keeps them apart:
 * 1. gaps (grid intervals without a reading),
 * 2. stuck runs (flat runs of identical readings),
 * 3. spikes (robust z-score against the seasonal baseline), skipping readings inside stuck runs —
 *    a register frozen at an evening value looks "high" all night, but it is one stuck event, not
 *    a dozen spikes;
 * 4. level shifts (days on end away from the usual level, ./level-shift.ts).
 *
 * Inputs are per reading: the value and its baseline (bucket median, σ̂, history count), so the
 * baseline can come from SQL (the analyze step) or from {@link seasonalBaseline} (tests, bench).
 */
import type { AnomalySeverity } from '../contract/results';
import { findGaps, gapSeverity } from './gaps';
import { toGrid } from './interval-grid';
import { spikeScore, spikeSeverity, type SpikeOptions } from './robust-zscore';
import { findStuckRuns, stuckSeverity, type StuckOptions } from './stuck-runs';
import { findLevelShifts, levelShiftSeverity, type LevelShiftOptions } from './level-shift';
import { median } from './robust-stats';

/**
 * How far above its own usual highest half-hours (the 99.5th percentile) a reading must be to be a
 * spike. Real homes have heavy tails; on the real 60-home smap export, z ≥ 6 alone flagged a reading
 * every two days per home (most of them an oven at an odd hour), z ≥ 6 and 1.5 × the envelope one in
 * about 140 home-days.
 */
export const ENVELOPE_FACTOR = 1.5;

export interface MeterSeries {
  /** Interval starts, UTC ms. */
  t: ArrayLike<number>;
  /** kWh per interval. */
  v: ArrayLike<number>;
  /** Baseline median of each reading's bucket. */
  expected: ArrayLike<number>;
  /** The meter's robust log spread s (see ./robust-zscore.ts), per reading. */
  scale: ArrayLike<number>;
  /** Readings in each reading's bucket. */
  history: ArrayLike<number>;
  /**
   * The meter's own upper envelope (its 99.5th percentile over the weeks before): a spike must also
   * exceed ENVELOPE_FACTOR × it, so the oven or heater a home runs now and then at an unusual hour is
   * not flagged — only a reading well beyond anything the home usually does. Absent: no envelope.
   */
  high?: number;
}

export interface DetectionRange {
  /** First expected interval start (UTC ms, on the grid). */
  start: number;
  /** End of the range (exclusive). */
  end: number;
  intervalMinutes: number;
}

export type MeterRule = 'spike' | 'stuck' | 'gap' | 'level_shift';

export interface MeterAnomaly {
  rule: MeterRule;
  /** First affected interval start (UTC ms). */
  start: number;
  /** End of the last affected interval (UTC ms, exclusive). */
  end: number;
  value: number | null;
  expected: number | null;
  /**
   * z for spikes; run length in intervals for stuck; missing intervals for gaps; the level's ratio to
   * the usual (1.8 = 80 % above) for level shifts, whose value/expected are kWh per day.
   */
  score: number;
  severity: AnomalySeverity;
}

export interface MeterRuleOptions {
  spike?: SpikeOptions;
  stuck?: StuckOptions;
  levelShift?: LevelShiftOptions;
}

export function detectMeterAnomalies(s: MeterSeries, range: DetectionRange, options: MeterRuleOptions = {}): MeterAnomaly[] {
  const step = range.intervalMinutes * 60_000;
  const out: MeterAnomaly[] = [];
  const grid = toGrid(s.t, s.v, range.start, range.end, step);
  // Reading index by grid position, to look up each reading's baseline.
  const at = new Int32Array(grid.length).fill(-1);
  for (let i = 0; i < s.t.length; i++) {
    const offset = s.t[i]! - range.start;
    if (offset >= 0 && offset % step === 0 && offset / step < grid.length) at[offset / step] = i;
  }

  for (const g of findGaps(grid)) {
    out.push({
      rule: 'gap',
      start: range.start + g.first * step,
      end: range.start + (g.first + g.missing) * step,
      value: null,
      expected: null,
      score: g.missing,
      severity: gapSeverity(g.missing * range.intervalMinutes),
    });
  }

  const inStuck = new Uint8Array(grid.length);
  for (const run of findStuckRuns(grid, options.stuck)) {
    inStuck.fill(1, run.first, run.first + run.length);
    const expected: number[] = [];
    for (let k = run.first; k < run.first + run.length; k++) expected.push(s.expected[at[k]!]!);
    const expectedMedian = median(expected.filter(Number.isFinite));
    out.push({
      rule: 'stuck',
      start: range.start + run.first * step,
      end: range.start + (run.first + run.length) * step,
      value: run.value,
      expected: Number.isFinite(expectedMedian) ? expectedMedian : null,
      score: run.length,
      severity: stuckSeverity(run.length * range.intervalMinutes),
    });
  }

  const zThreshold = options.spike?.zThreshold ?? 6;
  for (let k = 0; k < grid.length; k++) {
    const i = at[k]!;
    if (i < 0 || inStuck[k] || (s.high !== undefined && !(s.v[i]! > ENVELOPE_FACTOR * s.high))) continue;
    const z = spikeScore(
      { value: s.v[i]!, expected: s.expected[i]!, scale: s.scale[i]!, history: s.history[i]! },
      options.spike,
    );
    if (z === null) continue;
    out.push({
      rule: 'spike',
      start: s.t[i]!,
      end: s.t[i]! + step,
      value: s.v[i]!,
      expected: s.expected[i]!,
      score: z,
      severity: spikeSeverity(z, zThreshold),
    });
  }
  const expectedGrid = new Float64Array(grid.length).fill(NaN);
 for (let k = 0; k < grid.length; k++) {
    const i = at[k]!;
    if (i >= 0) expectedGrid[k] = s.history[i]! >= 4 ? s.expected[i]! : NaN;
  }
  for (const shift of findLevelShifts(grid, expectedGrid, Math.round(1440 / range.intervalMinutes), options.levelShift)) {
    out.push({
      rule: 'level_shift',
      start: range.start + shift.first * step,
      end: range.start + (shift.first + shift.length) * step,
      value: shift.dailyKwh,
      expected: shift.expectedDailyKwh,
      score: shift.ratio,
      severity: levelShiftSeverity(shift.ratio),
    });
  }
  return out.sort((a, b) => a.start - b.start);
}
