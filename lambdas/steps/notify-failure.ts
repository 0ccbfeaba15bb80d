/**
 * NotifyFailure (the workflow's Catch): marks the execution's runs failed in etl_runs and sends one
 * failure notification naming the failed state's error, so an operator knows what to re-run.
 */
import { FailureInputSchema, parseInput } from '../contract/manifests';
import type { StepPorts } from './ports';
import { failedRunRecord } from './load';
import { ensureSchema } from '../sql/schema';
import { describeError } from './step-error';

export async function notifyFailure(rawInput: unknown, ports: StepPorts): Promise<{ notified: boolean; runs: number }> {
  const input = parseInput(FailureInputSchema, rawInput, 'notify-failure');
  const error = describeError(input.error);
  const finishedAt = ports.clock.now().toISOString();
  const runs = input.plan?.runs ?? [];
  if (runs.length > 0) {
    await ensureSchema(ports.warehouse);
    await ports.warehouse.transaction(runs.flatMap((run) => run.sources.flatMap((s) => failedRunRecord(run, s, finishedAt, error))));
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
