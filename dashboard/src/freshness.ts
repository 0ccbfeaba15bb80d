/**
 * Data freshness, judged against the schedule: the data is stale when the next run was due
 * (`overview.nextRunDueAt`: the last successful run + the daily schedule + a grace period) and none has
 * succeeded since — not when readings are older than a fixed number of hours (a daily run at 06:00
 * loads yesterday, so readings are always hours old; an imported history is years old and complete).
 * Publications without `nextRunDueAt` fall back to the last run's age against `staleAfterHours`.
 */
import type { Overview } from '../../lambdas/contract/results';
import { age, parseInstant } from './format';

export interface Freshness {
  stale: boolean;
  /** Hours since the last successful run finished (Infinity without one). */
  runAgeHours: number;
  /** Hours since the newest reading (Infinity without one). */
  readingAgeHours: number;
  reasons: string[];
}

const HOUR = 3_600_000;

export function freshnessOf(o: Overview, now: Date): Freshness {
  const reasons: string[] = [];
  const finished = parseInstant(o.lastSuccessfulRun?.finishedAt);
  const reading = parseInstant(o.latestReadingAt);
  const runAgeHours = Number.isFinite(finished) ? (now.getTime() - finished) / HOUR : Infinity;
  const readingAgeHours = Number.isFinite(reading) ? (now.getTime() - reading) / HOUR : Infinity;
  if (!Number.isFinite(finished)) reasons.push('no successful run yet');
  else {
    const due = parseInstant(o.nextRunDueAt ?? null);
    if (Number.isFinite(due)) {
      if (now.getTime() > due) reasons.push(`the daily run was due ${age((now.getTime() - due) / HOUR)} ago and has not succeeded since ${age(runAgeHours)} ago`);
    } else if (runAgeHours > o.staleAfterHours) reasons.push(`the last successful run was ${age(runAgeHours)} ago (limit ${o.staleAfterHours} h)`);
  }
  if (!Number.isFinite(reading)) reasons.push('no readings yet');
  return { stale: reasons.length > 0, runAgeHours, readingAgeHours, reasons };
}
