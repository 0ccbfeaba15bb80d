/**
 * Data freshness: the data is stale when the latest reading or the last successful run is older than
 * `overview.staleAfterHours` (or absent). Either one alone misleads: a recent run of an old backfill
 * has old readings, and recent readings with failing runs stop updating.
 */
import type { Overview } from '../../lambdas/contract/results';
import { parseInstant } from './format';

export interface Freshness {
  stale: boolean;
  /** Age in hours of the older of the two signals (Infinity when one is missing). */
  ageHours: number;
  reasons: string[];
}

const HOUR = 3_600_000;

export function freshnessOf(o: Overview, now: Date): Freshness {
  const reasons: string[] = [];
  const limit = o.staleAfterHours;
  const ages: number[] = [];
  const check = (label: string, iso: string | null | undefined) => {
    const t = parseInstant(iso);
    if (!Number.isFinite(t)) {
      reasons.push(`no ${label} yet`);
      ages.push(Infinity);
      return;
    }
    const hours = (now.getTime() - t) / HOUR;
    ages.push(hours);
    if (hours > limit) reasons.push(`${label} is ${Math.round(hours)} h old (limit ${limit} h)`);
  };
  check('reading', o.latestReadingAt);
  check('successful run', o.lastSuccessfulRun?.finishedAt);
  return { stale: reasons.length > 0, ageHours: Math.max(...ages), reasons };
}
