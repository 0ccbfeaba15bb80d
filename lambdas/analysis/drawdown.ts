/**
 * Drawdown: how far the price is below its running maximum, p_t / max(p_0..p_t) − 1 (0 at a new
 * high, −0.25 when 25% below the peak). Maximum drawdown is the most negative value (≤ 0).
 */
export function drawdowns(prices: readonly number[]): number[] {
  let peak = -Infinity;
  return prices.map((p) => {
    peak = Math.max(peak, p);
    return p / peak - 1;
  });
}

export function maxDrawdown(prices: readonly number[]): number {
  return drawdowns(prices).reduce((m, d) => Math.min(m, d), 0);
}
