/** Simple daily returns r_t = p_t / p_{t−1} − 1; the first day has none (null). */
export function simpleReturns(prices: readonly number[]): (number | null)[] {
  return prices.map((p, i) => (i === 0 ? null : p / prices[i - 1]! - 1));
}

/** Log returns ln(p_t / p_{t−1}); the first day has none (null). */
export function logReturns(prices: readonly number[]): (number | null)[] {
  return prices.map((p, i) => (i === 0 ? null : Math.log(p / prices[i - 1]!)));
}
