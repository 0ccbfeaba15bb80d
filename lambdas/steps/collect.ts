/**
 * Collect: one source, one date → raw objects in the lake, grouped into batches to transform (many
 * small files to a batch, up to config transform.batchBytes: ./transform-batches.ts). The batches
 * are written as JSON Lines (one batch a line) for the TransformBatches Distributed Map to read:
 * their number grows with files, so they never travel in the state.
 */
import { CollectInputSchema, parseInput, type CollectOutput } from '../contract/manifests';
import { batchesKey, putJsonl, transformResultsPrefix } from '../contract/work-manifests';
import { listAll } from '../ports/object-store';
import { rawPrefix } from '../sources/source';
import { sourceModule } from '../sources/registry';
import type { StepPorts } from './ports';
import { groupIntoBatches, MAX_BATCH_ITEM_BYTES } from './transform-batches';

export async function collect(rawInput: unknown, ports: StepPorts): Promise<CollectOutput> {
  const input = parseInput(CollectInputSchema, rawInput, 'collect');
  const files = await sourceModule(input.source).collect(input, ports);
  const sizes = await rawSizes(ports, rawPrefix(input.source, input.date, input.runId), files.map((f) => f.rawKey));
  const batches = groupIntoBatches(files, (key) => sizes.get(key) ?? 0, {
    batchBytes: ports.config.transform.batchBytes,
    maxItemBytes: MAX_BATCH_ITEM_BYTES,
  });
  const key = batchesKey(input.runId, input.source);
  await putJsonl(ports.lake, key, batches);
  ports.log.info('collected', { runId: input.runId, source: input.source, files: files.length, batches: batches.length, batchesKey: key });
  return {
    runId: input.runId,
    date: input.date,
    source: input.source,
    batchesKey: key,
    batches: batches.length,
    resultsPrefix: transformResultsPrefix(input.runId, input.source),
    transformConcurrency: ports.config.workflow.transformConcurrency,
  };
}

/**
 * The size of every raw object of the run, from one listing of the run's raw prefix (a page per
 * 1,000 objects, not a request per file); an object a source wrote elsewhere is looked up alone.
 */
async function rawSizes(ports: StepPorts, prefix: string, keys: string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (keys.length === 0) return sizes;
  for await (const o of listAll(ports.lake, prefix)) sizes.set(o.key, o.size);
  for (const key of keys) {
    if (sizes.has(key)) continue;
    const found = (await ports.lake.list(key, { maxKeys: 1 })).objects.find((o) => o.key === key);
    sizes.set(key, found?.size ?? 0);
  }
  return sizes;
}
