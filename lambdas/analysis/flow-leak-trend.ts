/**
 * Leak suspicion from the trend of a device's minimum night flow. A leak grows (or appears and
 * stays), so MNF rises night after night; demand noise moves it up and down without a direction.
 *
 * For each night, over the last `windowNights` nights with an MNF:
 * - slope: the Theil–Sen estimator (median of all pairwise slopes, L/min per night) — a burst on
 *   one night or a stuck sensor on another cannot tilt it;
 * - significance: the Mann–Kendall test, S = Σ sign(y_j − y_i) over pairs i < j, Var(S) =
 *   n(n−1)(2n+5)/18 (no tie correction: MNF has three decimals), z = (S − 1)/√Var(S) for S > 0;
 *   one-sided, a rise only.
 * A night is suspected when z ≥ `minZ` (default 2.33, p ≤ 0.01) AND the rise over the window is
 * material: slope × (window − 1) ≥ `minRise` (default 15 %) of the window's median MNF.
 * Both, because a significant but tiny drift (a few per cent a month) is not worth a crew.
 */
import { median } from './robust-stats';
import type { NightFlow } from './flow-night-flow';

export interface LeakOptions {
  windowNights?: number;
  /** Fewest nights with an MNF in the window. Default 7. */
  minNights?: number;
  minZ?: number;
  minRise?: number;
}

export interface LeakTrend {
  date: string;
  /** Nights with an MNF in the window ending at `date`. */
  nights: number;
  /** Theil–Sen slope, L/min per night; null below minNights. */
  slopeLpmPerNight: number | null;
  /** Mann–Kendall z; null below minNights. */
  z: number | null;
  suspected: boolean;
}

/** Theil–Sen slope of y over x (median of pairwise slopes). NaN with fewer than two points. */
export function theilSenSlope(x: readonly number[], y: readonly number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < x.length; i++) for (let j = i + 1; j < x.length; j++) if (x[j] !== x[i]) slopes.push((y[j]! - y[i]!) / (x[j]! - x[i]!));
  return median(slopes);
}

/** Mann–Kendall z for an upward trend in y (in time order); 0 when S ≤ 0. */
export function mannKendallZ(y: readonly number[]): number {
  const n = y.length;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(y[j]! - y[i]!);
  const variance = (n * (n - 1) * (2 * n + 5)) / 18;
  return s > 0 && variance > 0 ? (s - 1) / Math.sqrt(variance) : 0;
}

/** One trend per night, in date order (nights as from {@link nightFlows}, consecutive dates). */
export function leakTrends(nights: readonly NightFlow[], options: LeakOptions = {}): LeakTrend[] {
  const window = options.windowNights ?? 10;
  const minNights = options.minNights ?? 7;
  const minZ = options.minZ ?? 2.33;
  const minRise = options.minRise ?? 0.15;
  return nights.map((night, k) => {
    const x: number[] = [];
    const y: number[] = [];
    for (let j = Math.max(0, k - window + 1); j <= k; j++) {
      const v = nights[j]!.mnfLpm;
      if (v !== null) x.push(j), y.push(v);
    }
    if (y.length < minNights) return { date: night.date, nights: y.length, slopeLpmPerNight: null, z: null, suspected: false };
    const slope = theilSenSlope(x, y);
    const z = mannKendallZ(y);
    const rise = slope * (window - 1);
    return { date: night.date, nights: y.length, slopeLpmPerNight: slope, z, suspected: z >= minZ && rise >= minRise * median(y) };
  });
}
