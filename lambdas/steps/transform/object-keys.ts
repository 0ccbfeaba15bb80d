/**
 * Where the transform writes. Keys depend only on the batch, so re-running a batch overwrites the
 * same objects (idempotent), and several batches of one run never collide: the tag comes from the
 * raw object's path inside the run's raw prefix.
 */
import type { Batch } from '../../contract/manifests';

/** `raw/source=s/dt=d/run=r/imp-1/consumption/3000.csv` → `imp-1_consumption_3000`. */
export function batchTag(rawKey: string): string {
  const inRun = rawKey.replace(/^raw\/source=[^/]+\/dt=[^/]+\/run=[^/]+\//, '');
  const withoutExt = inRun.replace(/(\.(csv|jsonl|json|gz|parquet))+$/i, '');
  const tag = withoutExt.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[_.]+|[_.]+$/g, '');
  return tag || 'part';
}

export function curatedKey(batch: Batch): string {
  return `curated/${batch.dataset}/dt=${batch.date}/${batch.runId}-${batchTag(batch.rawKey)}.parquet`;
}

export function quarantineKey(batch: Batch): string {
  return `quarantine/${batch.source}/dt=${batch.date}/run=${batch.runId}/${batchTag(batch.rawKey)}-rejects.jsonl`;
}
