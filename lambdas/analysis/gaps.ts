/**
 * Gap rule: every interval of the expected grid without a reading is missing; consecutive missing
 * intervals form one gap (one anomaly), so a four-hour outage is one alertable event, not eight.
 */
import type { AnomalySeverity } from '../contract/results';

export interface Gap {
  /** Grid index of the first missing interval. */
  first: number;
  /** Number of missing intervals. */
  missing: number;
}

/** Gaps in a grid-aligned series (NaN = missing). */
export function findGaps(grid: ArrayLike<number>): Gap[] {
  const gaps: Gap[] = [];
  let i = 0;
  while (i < grid.length) {
    if (Number.isNaN(grid[i]!)) {
      const first = i;
      while (i < grid.length && Number.isNaN(grid[i]!)) i++;
      gaps.push({ first, missing: i - first });
    } else i++;
  }
  return gaps;
}

/** high from 6 hours missing, medium from 2 hours, else low. */
export function gapSeverity(missingMinutes: number): AnomalySeverity {
  if (missingMinutes >= 6 * 60) return 'high';
  if (missingMinutes >= 2 * 60) return 'medium';
  return 'low';
}
