/**
 * Threshold rule (as a building manager sets it): a household's monthly usage of an energy type at
 * or above the configured threshold for that type is a breach. Types without a threshold are never
 * breached. Severity: high from 125% of the threshold, medium below.
 */
import type { AnomalySeverity } from '../contract/results';

export interface MonthlyUsage {
  householdId: string;
  energyType: string;
  /** First day of the month, YYYY-MM-DD. */
  month: string;
  amount: number;
  unit: string;
}

export interface ThresholdBreach extends MonthlyUsage {
  threshold: number;
  /** amount / threshold (≥ 1). */
  ratio: number;
  severity: AnomalySeverity;
}

export function thresholdBreaches(
  usage: readonly MonthlyUsage[],
  thresholds: Readonly<Record<string, number | undefined>>,
): ThresholdBreach[] {
  const out: ThresholdBreach[] = [];
  for (const u of usage) {
    const threshold = thresholds[u.energyType];
    if (threshold === undefined || !(u.amount >= threshold)) continue;
    const ratio = threshold > 0 ? u.amount / threshold : Infinity;
    out.push({ ...u, threshold, ratio, severity: ratio >= 1.25 ? 'high' : 'medium' });
  }
  return out;
}
