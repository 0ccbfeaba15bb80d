/**
 * Collect: one source, one date → raw objects in the lake, described as batches to transform. The
 * batches are written as JSON Lines (one Batch a line) for the TransformBatches Distributed Map to
 * read: their number grows with files, so they never travel in the state.
 */
import { CollectInputSchema, parseInput, type CollectOutput } from '../contract/manifests';
import { batchesKey, putJsonl, transformResultsPrefix } from '../contract/work-manifests';
import { sourceModule } from '../sources/registry';
import type { StepPorts } from './ports';

export async function collect(rawInput: unknown, ports: StepPorts): Promise<CollectOutput> {
  const input = parseInput(CollectInputSchema, rawInput, 'collect');
  const batches = await sourceModule(input.source).collect(input, ports);
  const key = batchesKey(input.runId, input.source);
  await putJsonl(ports.lake, key, batches);
  ports.log.info('collected', { runId: input.runId, source: input.source, batches: batches.length, batchesKey: key });
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
