/**
 * NotifyFailure (the workflow's Catch): records the failure in etl_runs and sends one notification
 * naming the failed state's error, so an operator knows what to re-run.
 *
 * Only the dates whose Load did not commit in this execution are marked failed: a date that
 * committed (its etl_runs rows carry this execution's started_at) stays as its Load recorded it, and
 * its analysis and publication, if still 'pending' in etl_run_stages, become 'failed'. The marking is set-based — a
 * fixed handful of statements whatever the number of dates — so a failed 400-date backfill is
 * recorded in seconds, not one round trip per date and source.
 */
import { DateRunSchema, FailureInputSchema, parseInput, type DateRun } from '../contract/manifests';
import { readJsonl } from '../contract/work-manifests';
import type { BatchItem } from '../ports/warehouse';
import { sqlFile } from '../sql/files';
import type { StepPorts } from './ports';
import { describeError } from './step-error';

/**
 * (run, source) rows per INSERT: 3 bound values each, about 120 characters of SQL, so a chunk stays
 * far below the Data API's 100 KB statement limit.
 */
const ROWS_PER_INSERT = 200;

/** The statements that record a failed execution, in one transaction. */
export function failedExecutionStatements(runs: DateRun[], executionStartedAt: string, finishedAt: string, error: string): BatchItem[] {
  const pairs = runs.flatMap((run) => run.sources.map((source) => ({ runId: run.runId, source, date: run.date })));
  const items: BatchItem[] = [{ name: 'create_plan_runs', sql: sqlFile('load/create_plan_runs.sql') }];
  for (let start = 0; start < pairs.length; start += ROWS_PER_INSERT) {
    const chunk = pairs.slice(start, start + ROWS_PER_INSERT);
    const params: Record<string, string> = {};
    // Generated placeholders only (:r0, :s0, :d0 …); every value is bound.
    const rows = chunk.map((p, i) => {
      Object.assign(params, { [`r${i}`]: p.runId, [`s${i}`]: p.source, [`d${i}`]: p.date });
      return `(CAST(:r${i} AS VARCHAR(64)), CAST(:s${i} AS VARCHAR(32)), CAST(:d${i} AS DATE))`;
    });
    items.push({ name: `insert_plan_runs_${start / ROWS_PER_INSERT + 1}`, sql: `INSERT INTO plan_runs (run_id, source, run_date) VALUES ${rows.join(', ')}`, params });
  }
  const params = { started_at: executionStartedAt, finished_at: finishedAt, error: error.slice(0, 4000) };
  items.push(
    { name: 'mark_uncommitted_runs_failed', sql: sqlFile('load/mark_uncommitted_runs_failed.sql'), params },
    { name: 'insert_missing_runs_failed', sql: sqlFile('load/insert_missing_runs_failed.sql'), params },
    { name: 'mark_pending_stages_failed', sql: sqlFile('load/mark_pending_stages_failed.sql'), params },
    { name: 'drop_plan_runs_end', sql: 'DROP TABLE plan_runs' },
  );
  return items;
}

export async function notifyFailure(rawInput: unknown, ports: StepPorts): Promise<{ notified: boolean; runs: number }> {
  const input = parseInput(FailureInputSchema, rawInput, 'notify-failure');
  const error = describeError(input.error);
  const finishedAt = ports.clock.now().toISOString();
  // The execution's dates, from the lake (Plan wrote them there; they are not in the state).
  const runs = input.plan ? await readJsonl(ports.lake, input.plan.runsKey, DateRunSchema) : [];
  if (runs.length > 0) {
    await ports.warehouse.transaction(failedExecutionStatements(runs, input.plan!.startedAt, finishedAt, error));
  }
  const dates = runs.map((r) => r.date);
  const span = dates.length === 0 ? 'the run' : dates.length === 1 ? dates[0] : `${dates[0]}..${dates[dates.length - 1]}`;
  await ports.notifier.notify({
    id: `run-failed:${input.plan?.latest.runId ?? 'plan'}:${finishedAt}`,
    kind: 'run-failed',
    severity: 'critical',
    title: `gridlake run failed for ${span}`,
    message: `${error}\nRe-run the same dates once the cause is fixed; completed dates are replaced, not duplicated.`,
    runId: input.plan?.latest.runId,
    details: { dates, input: input.input ?? null },
  });
  ports.log.error('run failed', { error, dates });
  return { notified: true, runs: runs.length };
}
