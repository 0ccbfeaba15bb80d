/**
 * The stages after Load, recorded in etl_run_stages (see lambdas/sql/tables/etl_run_stages.sql):
 * Load writes a date's 'analyze' and 'publish' stages 'pending' with its data; the step wrapped here
 * marks its stage 'succeeded' for every date of the execution once it returns. A kill in between
 * leaves 'pending' (NotifyFailure turns what a failed execution left 'pending' into 'failed').
 */
import { z } from 'zod';
import { sqlFile } from '../sql/files';
import type { StepPorts } from './ports';

/** The execution's start (Plan's startedAt), passed by the ASL beside the step's own input. */
const ExecutionStartSchema = z.object({ startedAt: z.string().optional() });

export type Stage = 'analyze' | 'publish';

export function trackStage<T>(stage: Stage, step: (input: unknown, ports: StepPorts) => Promise<T>) {
  return async (rawInput: unknown, ports: StepPorts): Promise<T> => {
    const out = await step(rawInput, ports);
    const { startedAt } = ExecutionStartSchema.parse(rawInput ?? {});
    // An execution started before this field existed has no start to match: nothing to mark.
    if (startedAt) {
      await ports.warehouse.execute({
        name: `mark_${stage}_succeeded`,
        sql: sqlFile('load/mark_stage_succeeded.sql'),
        params: { stage, started_at: startedAt, finished_at: ports.clock.now().toISOString() },
      });
    }
    return out;
  };
}
