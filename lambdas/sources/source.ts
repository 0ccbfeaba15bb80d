/**
 * A source *declares* what it produces (dlt-style): its datasets, each with the warehouse table it
 * lands in, its natural key and its write disposition. The pipeline decides how to load it. Adding
 * a source is one new module registered in ./registry.ts, not edits across the tree.
 */
import type { Batch, CollectInput } from '../contract/manifests';
import type { StepPorts } from '../steps/ports';
import type { SourceName } from '../config';

export type Disposition = 'merge' | 'append' | 'replace';

export interface DatasetSpec {
  /** Dataset name = warehouse table name = curated/<name>/ prefix. */
  name: string;
  naturalKey: readonly string[];
  disposition: Disposition;
}

export interface SourceModule {
  name: SourceName;
  description: string;
  datasets: readonly DatasetSpec[];
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
