/**
 * Small order statistics and moments shared by the models. Every function takes plain number arrays
 * and ignores nothing: callers filter NaN/null first, so a bad input fails loudly instead of silently
 * shifting a median.
 */

/** The median (mean of the two middle values for an even count); NaN for an empty array. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = Float64Array.from(values).sort();
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Consistency constant: 1.4826 × MAD estimates σ for normally distributed data. */
export const MAD_TO_SIGMA = 1.482602218505602;

/** Median absolute deviation from the median (unscaled). */
export function mad(values: readonly number[], centre = median(values)): number {
  return median(values.map((v) => Math.abs(v - centre)));
}

/** Linear-interpolated quantile (as percentile_cont / R type 7), p in [0, 1]. */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = Float64Array.from(values).sort();
  const pos = (s.length - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample standard deviation (n − 1 in the denominator); NaN below two values. */
export function sampleStdev(values: readonly number[]): number {
  if (values.length < 2) return NaN;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) ** 2;
  return Math.sqrt(ss / (values.length - 1));
}
