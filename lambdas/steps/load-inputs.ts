/**
 * The Load's inputs, read back from the lake: each source's TransformBatches Distributed Map wrote
 * its children's results through its ResultWriter (lambdas/contract/work-manifests.ts), so the state
 * carries one manifest key per source, however many files the date has.
 */
import { TransformResultSchema, type BatchOutput, type LoadInput, type RejectedBatch } from '../contract/manifests';
import { readMapResults } from '../contract/work-manifests';
import type { ObjectStore } from '../ports/object-store';

export class TransformResultsError extends Error {
  override readonly name = 'TransformResultsError';
}

/**
 * Every batch result of the date, source by source, in batch order (the ResultWriter files keep
 * the items' order; a later batch's version of a key wins in the load). A child that failed is an
 * error here: the maps tolerate no failure, so one can only appear if someone raised the tolerance.
 */
export async function readTransformResults(lake: ObjectStore, input: LoadInput): Promise<Array<BatchOutput | RejectedBatch>> {
  const out: Array<BatchOutput | RejectedBatch> = [];
  for (const c of input.collected) {
    const { succeeded, failed } = await readMapResults(lake, c.transformed.ResultWriterDetails.Key);
    if (failed.length > 0) {
      const first = failed[0]!;
      throw new TransformResultsError(
        `load: ${failed.length} transform(s) of ${c.source} failed (first: ${first.Error ?? 'error'}: ${first.Cause ?? ''}); fix the cause and re-run ${input.date}.`,
      );
    }
    if (succeeded.length !== c.batches) {
      throw new TransformResultsError(`load: ${c.source} collected ${c.batches} batch(es) but ${succeeded.length} transform result(s) came back; re-run ${input.date}.`);
    }
    for (const [i, result] of succeeded.entries()) {
      const parsed = TransformResultSchema.safeParse(result);
      if (!parsed.success) throw new TransformResultsError(`load: transform result ${i + 1} of ${c.source} is not a transform output (${parsed.error.issues[0]?.message}).`);
      out.push(parsed.data);
    }
  }
  return out;
}
