/**
 * Where the transform writes. Keys depend only on the batch, so re-running a batch overwrites the
 * same objects (idempotent), and the batches of one run never collide, by construction: the tag is a
 * readable slug of the raw object's path inside the run's raw prefix plus a hash of that whole path.
 * Two files whose slugs are alike (`東京.csv`/`大阪.csv`, `site a.csv`/`site_a.csv`/`site/a.csv`,
 * `x.csv`/`x.CSV`, `data.csv`/`data.json.csv`) still get different keys.
 */
import { createHash } from 'node:crypto';
import type { TransformBatch } from '../../contract/manifests';

/** Characters of the readable part of a tag (the hash makes it unique; the slug only helps a person). */
const SLUG_MAX = 60;

/** `raw/source=s/dt=d/run=r/imp-1/consumption/3000.csv` → `imp-1_consumption_3000-<12 hex>`. */
export function batchTag(rawKey: string): string {
  const inRun = rawKey.replace(/^raw\/source=[^/]+\/dt=[^/]+\/run=[^/]+\//, '');
  const withoutExt = inRun.replace(/(\.(csv|jsonl|json|gz|parquet))+$/i, '');
  const slug = withoutExt.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[_.]+|[_.]+$/g, '').slice(0, SLUG_MAX) || 'part';
  // 48 bits of SHA-256 over the full path (extension and case included): a collision among the
  // files of one run would need ~16 million files for a one-in-a-million chance.
  const hash = createHash('sha256').update(inRun, 'utf8').digest('hex').slice(0, 12);
  return `${slug}-${hash}`;
}

/**
 * The tag of a batch of files: a single file keeps its own tag; several get the first file's slug,
 * their number and a hash over every path, in order (a re-run of the same grouping writes the same keys).
 */
export function filesTag(rawKeys: readonly string[]): string {
  if (rawKeys.length === 1) return batchTag(rawKeys[0]!);
  const first = batchTag(rawKeys[0]!);
  const slug = first.slice(0, first.lastIndexOf('-'));
  const hash = createHash('sha256').update(rawKeys.join('\n'), 'utf8').digest('hex').slice(0, 12);
  return `${slug}-x${rawKeys.length}-${hash}`;
}

/** The one curated object of a transform batch (all its files). */
export function batchCuratedKey(batch: Pick<TransformBatch, 'dataset' | 'date' | 'runId' | 'tag'>): string {
  return `curated/${batch.dataset}/dt=${batch.date}/${batch.runId}-${batch.tag}.parquet`;
}

/** The one quarantine object of a transform batch (the rejected rows of all its files, file by file). */
export function batchQuarantineKey(batch: Pick<TransformBatch, 'source' | 'date' | 'runId' | 'tag'>): string {
  return `quarantine/${batch.source}/dt=${batch.date}/run=${batch.runId}/${batch.tag}-rejects.jsonl`;
}
