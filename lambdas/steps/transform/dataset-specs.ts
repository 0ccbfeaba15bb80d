/**
 * What the transform needs to know per dataset, read from its declaration (lambdas/datasets/): the
 * raw fields it reads (every one as text). The SQL that validates, coerces and deduplicates lives in
 * lambdas/sql/transform/<dataset>.sql; the curated columns are the declared table's, checked at run time.
 */
import { dataset } from '../../datasets/registry';

export interface TransformSpec {
  dataset: string;
  /** Raw field names, as the collectors write them (JSONL) — the SQL sees them as VARCHAR. */
  fields: readonly string[];
  /** The warehouse table's columns, in order: the curated view must have exactly these. */
  columns: readonly string[];
}

export class NotCollectedDatasetError extends Error {
  override readonly name = 'NotCollectedDatasetError';
  constructor(name: string, rawKey: string, problem: string) {
    super(`Batch ${rawKey} names dataset "${name}", ${problem}`);
  }
}

export function transformSpec(name: string, rawKey: string): TransformSpec {
  const declared = dataset(name, `Batch ${rawKey}`);
  if (!declared.raw) {
    throw new NotCollectedDatasetError(name, rawKey, 'a results table with no raw fields: a source collects only datasets declared with `raw` (lambdas/datasets/).');
  }
  return { dataset: declared.name, fields: declared.raw.fields, columns: declared.columns.map((c) => c.name) };
}
