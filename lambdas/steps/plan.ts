/**
 * Plan: turns the execution input into the list of date runs. `{date}` → one run; `{from, to}` →
 * one run per date (a backfill, in order); `{}` or `{scheduledTime}` (the daily schedule) → the
 * previous local day, the last complete one. Run ids are deterministic per (date, attempt), so a
 * re-run of a date writes the same keys and replaces the same rows.
 */
import { addDays, isRealDate, localDate } from '../calendar';
import { parseInput, RunInputSchema, type DateRun, type PlanOutput, type PlannedDates } from '../contract/manifests';
import { planResultsPrefix, planRunsKey, putJsonl } from '../contract/work-manifests';
import type { StepPorts } from './ports';

/**
 * Longest backfill one execution accepts; longer ranges are split by the operator. The history quota
 * no longer bounds it: each date is a child execution of the ForEachDate Distributed Map with its
 * own history, and the parent's history does not grow with dates (test/integration/backfill-scale.test.ts
 * counts it). What bounds it is time: at the default one date at a time, a date takes 1–2 minutes in
 * the cloud, so 1,000 dates finish in under two days — inside the state machine's timeout
 * (lib/pipeline.ts) and the 7-day expiry of the work manifests under curated/_manifests/.
 */
export const MAX_DATES_PER_EXECUTION = 1000;

export function runIdFor(date: string, attempt = 1): string {
  return `${date}-a${attempt}`;
}

/**
 * The bound parameters that pick the rows one execution wrote (`run_id` between its first and last
 * date's run id, of the same attempt): used by the analyses that follow the data
 * (analysis/anomaly_meters.sql, sensor_loaded_spans.sql). A run id without an attempt is
 * matched as is.
 */
export function executionRunFilter(input: { runId: string; date: string; fromDate?: string }): { first_run_id: string; last_run_id: string; run_id_pattern: string } {
  const attempt = /-a(\d+)$/.exec(input.runId)?.[1];
  return attempt
    ? { first_run_id: runIdFor(input.fromDate ?? input.date, Number(attempt)), last_run_id: input.runId, run_id_pattern: `%-a${attempt}` }
    : { first_run_id: input.runId, last_run_id: input.runId, run_id_pattern: input.runId };
}

/**
 * The Plan step: plans the dates and writes them to the lake as JSON Lines for the ForEachDate
 * Distributed Map; the state carries the key and the count only.
 */
export async function planStep(rawInput: unknown, ports: StepPorts): Promise<PlanOutput> {
  const planned = plan(rawInput, ports);
  const runsKey = planRunsKey(planned.startedAt, planned.runs[0]!.runId, planned.latest.runId);
  await putJsonl(ports.lake, runsKey, planned.runs);
  return {
    runsKey,
    dates: planned.runs.length,
    dateConcurrency: ports.config.workflow.dateConcurrency,
    resultsPrefix: planResultsPrefix(runsKey),
    startedAt: planned.startedAt,
    latest: planned.latest,
    firstDate: planned.firstDate,
  };
}

export function plan(rawInput: unknown, ports: Pick<StepPorts, 'clock' | 'config'>): PlannedDates {
  const input = parseInput(RunInputSchema, rawInput ?? {}, 'plan');
  const startedAt = ports.clock.now().toISOString();
  const sources = input.sources ?? ports.config.sources;
  let dates: string[];
  if (input.date) dates = [input.date];
  else if (input.from && input.to) dates = dateRange(input.from, input.to);
  else {
    const at = input.scheduledTime ? new Date(input.scheduledTime) : ports.clock.now();
    if (Number.isNaN(at.getTime())) throw new Error(`plan: scheduledTime "${input.scheduledTime}" is not an ISO instant.`);
    dates = [addDays(localDate(at, ports.config.meters.defaultTimezone), -1)];
  }
  assertNotFuture(dates[dates.length - 1]!, localDate(ports.clock.now(), ports.config.meters.defaultTimezone));
  const runs: DateRun[] = dates.map((date) => ({ runId: runIdFor(date, input.attempt), date, sources, startedAt }));
  const last = runs[runs.length - 1]!;
  return { runs, startedAt, latest: { runId: last.runId, date: last.date }, firstDate: runs[0]!.date };
}

export function dateRange(from: string, to: string): string[] {
  assertRealDate(from, 'from');
  assertRealDate(to, 'to');
  if (from > to) throw new Error(`plan: from (${from}) is after to (${to}); swap them.`);
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    out.push(d);
    if (out.length > MAX_DATES_PER_EXECUTION) {
      throw new Error(`plan: ${from}..${to} is more than ${MAX_DATES_PER_EXECUTION} dates; split the backfill.`);
    }
  }
  return out;
}

/** A run processes days that have begun: a date after today has no data, only invented numbers. */
export function assertNotFuture(date: string, today: string): void {
  if (date > today) throw new Error(`plan: ${date} is in the future (today is ${today}); give a date up to today.`);
}

function assertRealDate(date: string, field: string): void {
  if (!isRealDate(date)) {
    throw new Error(`plan: ${field} "${date}" is not a real calendar date.`);
  }
}
