/**
 * Places readings on the expected interval grid [start, end) so that "consecutive" means
 * consecutive in time: a missing interval is NaN, which both breaks flat runs and marks gaps.
 * Readings off the grid or outside the range are ignored (the transform already quarantines
 * off-grid timestamps).
 */
export function toGrid(t: ArrayLike<number>, v: ArrayLike<number>, start: number, end: number, intervalMs: number): Float64Array {
  const n = Math.max(0, Math.ceil((end - start) / intervalMs));
  const grid = new Float64Array(n).fill(NaN);
  for (let i = 0; i < t.length; i++) {
    const offset = t[i]! - start;
    if (offset < 0 || offset % intervalMs !== 0) continue;
    const k = offset / intervalMs;
    if (k < n) grid[k] = v[i]!;
  }
  return grid;
}
