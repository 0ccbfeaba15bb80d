/** Collect: one source, one date → raw objects in the lake, described as batches to transform. */
import { CollectInputSchema, parseInput, type CollectOutput } from '../contract/manifests';
import { sourceModule } from '../sources/registry';
import type { StepPorts } from './ports';

export async function collect(rawInput: unknown, ports: StepPorts): Promise<CollectOutput> {
  const input = parseInput(CollectInputSchema, rawInput, 'collect');
  const batches = await sourceModule(input.source).collect(input, ports);
  ports.log.info('collected', { runId: input.runId, source: input.source, batches: batches.length });
  return { source: input.source, batches };
}
