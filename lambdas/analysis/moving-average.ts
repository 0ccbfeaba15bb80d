/**
 * Trailing simple moving average: the mean of the last `window` values including today; null until
 * `window` values exist (a 20-day average of 5 days would mislead).
 */
export function movingAverage(values: readonly number[], window: number): (number | null)[] {
  const out: (number | null)[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    if (i >= window) sum -= values[i - window]!;
    out.push(i >= window - 1 ? sum / window : null);
  }
  return out;
}
