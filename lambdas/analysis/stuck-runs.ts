/**
 * Stuck-meter rule: a run of at least `minRun` (default 6 = 3 hours of 30-minute intervals)
 * consecutive identical readings. Real household load varies every interval, so six equal values
 * in a row (compared at Wh resolution) happen by chance about once in millions of intervals;
 * a frozen register repeats its last value. Runs of zeros are left alone by default: an empty home
 * or on-site generation legitimately reads 0 for hours. So are runs at standby level (below
 * `minKwh`, default 0.05 kWh per interval = 100 W for 30 minutes): a sleeping home's fridge and
 * routers draw a steady few watts, which a meter counting whole Wh reads as the same 13 Wh for hours
 * (seen on real homes) — the same value, but not a frozen register.
 */
import type { AnomalySeverity } from '../contract/results';

export interface StuckRun {
  /** Grid index of the first interval of the run. */
  first: number;
  /** Number of intervals in the run. */
  length: number;
  value: number;
}

export interface StuckOptions {
  /** Default 6 intervals. */
  minRun?: number;
  /** Values closer than this are identical. Default 0.0005 kWh (half a Wh: meter resolution). */
  tolerance?: number;
  /** Default true. */
  ignoreZeros?: boolean;
  /** Runs at or below this value (kWh per interval) are standby, not stuck. Default 0.05. */
  minKwh?: number;
}

/** Runs in a grid-aligned series (NaN = missing, which breaks a run). */
export function findStuckRuns(grid: ArrayLike<number>, options: StuckOptions = {}): StuckRun[] {
  const minRun = options.minRun ?? 6;
  const tol = options.tolerance ?? 0.0005;
  const ignoreZeros = options.ignoreZeros ?? true;
  const minKwh = options.minKwh ?? 0.05;
  const runs: StuckRun[] = [];
  let first = 0;
  const close = (end: number) => {
    const length = end - first;
    const value = grid[first]!;
    if (length >= minRun && Number.isFinite(value) && !(ignoreZeros && Math.abs(value) <= tol) && Math.abs(value) > minKwh) {
      runs.push({ first, length, value });
    }
  };
  for (let i = 1; i <= grid.length; i++) {
    const same = i < grid.length && Number.isFinite(grid[i]!) && Math.abs(grid[i]! - grid[first]!) <= tol;
    if (!same) {
      close(i);
      first = i;
    }
  }
  return runs;
}

/** high from 12 hours flat (24 intervals of 30 minutes), medium otherwise. */
export function stuckSeverity(lengthMinutes: number): AnomalySeverity {
  return lengthMinutes >= 12 * 60 ? 'high' : 'medium';
}
