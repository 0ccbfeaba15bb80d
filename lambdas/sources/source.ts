/**
 * A source *declares* what it produces (dlt-style): the datasets it writes, by name — each declared
 * once in lambdas/datasets/ with its columns, natural key, write disposition and checks — and how to
 * collect them. The pipeline decides how to transform and load them. A new source is this module
 * registered in ./registry.ts, its datasets' declarations and their transform SQL
 * (lambdas/sql/transform/<dataset>.sql); the source list, load order, DDL and load SQL derive from those.
 */
import type { Batch, CollectInput } from '../contract/manifests';
import type { DatasetName } from '../datasets/registry';
import type { StepPorts } from '../steps/ports';

export interface SourceModule<N extends string = string> {
  name: N;
  description: string;
  /**
   * The datasets this source writes, in the order they load (a meter list before its readings,
   * whose load reads the meters' timezones). The load order of all sources keeps every source's order.
   */
  datasets: readonly DatasetName[];
  /**
   * Writes this run's raw objects under `raw/source=<name>/dt=<date>/run=<runId>/` and returns one
   * batch per object to transform. Idempotent: the same input writes the same keys and bytes.
   */
  collect(input: CollectInput, ports: StepPorts): Promise<Batch[]>;
}

/** `raw/source=<s>/dt=<date>/run=<runId>/` — the raw prefix of one run of one source. */
export function rawPrefix(source: string, date: string, runId: string): string {
  return `raw/source=${source}/dt=${date}/run=${runId}/`;
}
