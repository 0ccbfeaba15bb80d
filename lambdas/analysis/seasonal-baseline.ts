/**
 * Seasonal robust baseline of one meter ("what is normal for this meter at this time of the week"):
 *
 * - expected value: the median of the meter's own readings in the same local weekday ×
 *   interval-of-day bucket (336 buckets for 30-minute data), so morning and evening peaks, weekends
 *   and the meter's own habits are all part of "normal";
 * - spread: household noise is multiplicative (a bigger load wobbles more), so the spread is one
 *   figure per meter on the log scale, pooled over all buckets: s = 1.4826 × median |ln(v / m_b)|
 *   over positive readings. Pooling thousands of readings makes it stable, where a per-bucket MAD
 *   from ~9 readings is not (it produced false spikes whenever a bucket's MAD came out small).
 *
 * The analyze step computes the bucket medians and the envelope in SQL (lambdas/sql/analysis/anomaly_chunk_inputs.sql,
 * percentile_cont; the spread in lambdas/steps/analyze/anomaly-detection.ts); this is the in-memory twin
 * used by the quality tests and the bench.
 */
import { weekSlotOf } from './local-time';
import { MAD_TO_SIGMA, median, quantile } from './robust-stats';

export interface SeasonalBaseline {
  /** Median kWh per bucket; NaN where the bucket has no readings. */
  median: Float64Array;
  /** Readings per bucket. */
  count: Uint32Array;
  /** Pooled robust log spread s of the meter; NaN without positive readings. */
  logScale: number;
  /** The meter's 99.5th percentile (its upper envelope, see anomaly_chunk_inputs.sql). */
  high: number;
  intervalMinutes: number;
}

/** Baseline from readings (`t` = UTC ms, `v` = kWh) in the meter's timezone. */
export function seasonalBaseline(t: ArrayLike<number>, v: ArrayLike<number>, timezone: string, intervalMinutes = 30): SeasonalBaseline {
  const buckets = 7 * (1440 / intervalMinutes);
  const values: number[][] = Array.from({ length: buckets }, () => []);
  const bucketOf = new Int32Array(t.length);
  for (let i = 0; i < t.length; i++) {
    bucketOf[i] = weekSlotOf(t[i]!, timezone, intervalMinutes);
    if (Number.isFinite(v[i]!)) values[bucketOf[i]!]!.push(v[i]!);
  }
  const med = new Float64Array(buckets).fill(NaN);
  const count = new Uint32Array(buckets);
  values.forEach((list, b) => {
    if (list.length) (med[b] = median(list)), (count[b] = list.length);
  });
  const deviations: number[] = [];
  for (let i = 0; i < t.length; i++) {
    const m = med[bucketOf[i]!]!;
    if (m > 0 && v[i]! > 0) deviations.push(Math.abs(Math.log(v[i]! / m)));
  }
  const finite = Array.from(v).filter(Number.isFinite);
  return {
    median: med,
    count,
    logScale: deviations.length ? MAD_TO_SIGMA * median(deviations) : NaN,
    high: quantile(finite, 0.995),
    intervalMinutes,
  };
}

/** Per-reading baseline columns (expected, scale, history) for {@link detectMeterAnomalies}. */
export function baselineColumns(base: SeasonalBaseline, t: ArrayLike<number>, timezone: string) {
  const n = t.length;
  const expected = new Float64Array(n);
  const scale = new Float64Array(n).fill(base.logScale);
  const history = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = weekSlotOf(t[i]!, timezone, base.intervalMinutes);
    expected[i] = base.median[b]!;
    history[i] = base.count[b]!;
  }
  return { expected, scale, history, high: base.high };
}
