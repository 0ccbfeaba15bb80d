/**
 * The level a channel runs at right now, relative to its minute-of-day profile: the median of the
 * last twelve 15-minute block medians (three hours) of value / profile (flow: demand changes are
 * proportional) or value − profile (pressure: the supply's level shifts it). Medians of medians: a
 * burst moves it only once it fills half the window, and it costs a 15-value and a 12-value sort
 * per quarter hour, not a 180-value sort per minute.
 */
export type LevelKind = 'ratio' | 'offset';

export const LEVEL = { blockMinutes: 15, blocks: 12, minBlocks: 4, minPerBlock: 8 } as const;

export const neutralLevel = (kind: LevelKind): number => (kind === 'ratio' ? 1 : 0);

/** value / expected or value − expected; NaN where either is missing (or expected ≤ 0 for a ratio). */
export function deviationOf(kind: LevelKind, value: number, expected: number): number {
  if (kind === 'ratio') return expected > 0 ? value / expected : NaN;
  return value - expected;
}

/**
 * Median of the first `n` values of `a`, reordering them (Hoare's quickselect: linear time, no
 * allocation; the flow analysis takes a few million medians a month of data).
 */
export function median(a: Float64Array, n: number): number {
  if (n === 0) return NaN;
  const hi = select(a, n, n >> 1);
  if (n % 2) return hi;
  // The lower middle is the largest value left of the upper middle after selection.
  let lo = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (a[i]! > lo) lo = a[i]!;
  return (lo + hi) / 2;
}

/** The k-th smallest of a[0..n) (0-based); afterwards a[0..k) ≤ a[k] ≤ a[k+1..n). */
function select(a: Float64Array, n: number, k: number): number {
  let left = 0;
  let right = n - 1;
  while (right > left) {
    const pivot = a[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k]!;
}

/**
 * Feeds block medians in time order and answers the current level. `push` the deviations of a
 * finished 15-minute block; `level()` is the median of the last twelve blocks with ≥ 8 values, or
 * `fallback` while fewer than four such blocks are known.
 */
export class TrailingLevel {
  private readonly recent: number[] = [];
  private readonly scratch = new Float64Array(Math.max(LEVEL.blockMinutes, LEVEL.blocks));
  constructor(private readonly fallback: number) {}

  push(deviations: Float64Array, from: number, to: number): void {
    let n = 0;
    for (let i = from; i < to; i++) if (!Number.isNaN(deviations[i]!)) this.scratch[n++] = deviations[i]!;
    this.recent.push(n >= LEVEL.minPerBlock ? median(this.scratch, n) : NaN);
    if (this.recent.length > LEVEL.blocks) this.recent.shift();
  }

  level(): number {
    let n = 0;
    for (const v of this.recent) if (!Number.isNaN(v)) this.scratch[n++] = v;
    return n >= LEVEL.minBlocks ? median(this.scratch, n) : this.fallback;
  }
}
