/**
 * Rolling annualised volatility: the sample standard deviation (n − 1) of the last `window` daily
 * returns × √252 (trading days per year). null until `window` returns exist; the first day has no
 * return, so the first value appears on day `window` (0-based).
 */
import { sampleStdev } from './robust-stats';

export const TRADING_DAYS = 252;

export function rollingVolatility(returns: readonly (number | null)[], window = 20): (number | null)[] {
  return returns.map((_, i) => {
    if (i + 1 < window) return null;
    const slice = returns.slice(i + 1 - window, i + 1);
    if (slice.some((r) => r === null)) return null;
    return sampleStdev(slice as number[]) * Math.sqrt(TRADING_DAYS);
  });
}
