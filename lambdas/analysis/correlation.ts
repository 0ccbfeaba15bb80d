/**
 * Pearson correlation of two series aligned on a key (a date): only keys present in both count.
 * null with fewer than `minPairs` pairs (default 10) or when either side is constant.
 */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  const n = Math.min(x.length, y.length);
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) (mx += x[i]!), (my += y[i]!);
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

export function alignedPearson(
  a: ReadonlyMap<string, number>,
  b: ReadonlyMap<string, number>,
  minPairs = 10,
): { r: number | null; n: number } {
  const x: number[] = [];
  const y: number[] = [];
  for (const [key, va] of a) {
    const vb = b.get(key);
    if (vb !== undefined && Number.isFinite(va) && Number.isFinite(vb)) x.push(va), y.push(vb);
  }
  return { r: x.length >= minPairs ? pearson(x, y) : null, n: x.length };
}
