/**
 * Spike rule: a reading is a spike when its robust z-score against the meter's own seasonal
 * baseline is at or above `zThreshold` (default 6) AND it exceeds the expected value by at least
 * `minExcessKwh` (default 0.05 kWh, so a few watt-hours on a near-zero night are never "spikes").
 *
 * Household noise is multiplicative, so the z-score lives on the log scale:
 *   z = ln(value / max(expected, floor)) / s
 * with `expected` the bucket median and `s` the meter's pooled robust log spread
 * (./seasonal-baseline.ts). z = 6 with a typical s ≈ 0.1 means "1.8 × the usual value".
 * Only upward deviations count: a drop is not a spike (missing and flat data have their own rules).
 * Buckets with fewer than `minHistory` readings are not scored — too little history to know "normal".
 */
import type { AnomalySeverity } from '../contract/results';

/** Expected values below this (kWh) are raised to it before taking the ratio. */
export const MIN_EXPECTED_KWH = 0.01;
/**
 * The smallest log spread a meter is judged with. A meter whose readings never vary (a constant
 * load, a pump on a timer) measures s = 0, and a z-score over 0 is undefined, so its spikes went
 * unflagged; no real load is steadier than ±5 %, so that is the floor (z = 6 is then ×1.35).
 */
export const MIN_LOG_SCALE = 0.05;

export interface SpikeInput {
  value: number;
  /** Bucket median (the expected value). */
  expected: number;
  /** The meter's robust log spread s. */
  scale: number;
  /** Readings in the bucket. */
  history: number;
}

export interface SpikeOptions {
  /** Default 6. */
  zThreshold?: number;
  /** Default 4 readings in the seasonal bucket. */
  minHistory?: number;
  /** Default 0.05 kWh above the expected value. */
  minExcessKwh?: number;
}

export function robustLogZ(value: number, expected: number, scale: number): number {
  return Math.log(Math.max(value, MIN_EXPECTED_KWH) / Math.max(expected, MIN_EXPECTED_KWH)) / scale;
}

/** The z-score when the reading is a spike, otherwise null. */
export function spikeScore(x: SpikeInput, options: SpikeOptions = {}): number | null {
  if (x.history < (options.minHistory ?? 4) || !Number.isFinite(x.expected) || !(x.scale >= 0)) return null;
  if (x.value - x.expected < (options.minExcessKwh ?? 0.05)) return null;
  const z = robustLogZ(x.value, x.expected, Math.max(x.scale, MIN_LOG_SCALE));
  return z >= (options.zThreshold ?? 6) ? z : null;
}

/** high from 2× the threshold, medium from 1.5×, else low. */
export function spikeSeverity(z: number, zThreshold = 6): AnomalySeverity {
  if (z >= 2 * zThreshold) return 'high';
  if (z >= 1.5 * zThreshold) return 'medium';
  return 'low';
}
