/** Writes transform results as a TransformBatches map's ResultWriter would, so the load step reads them back. */
import type { BatchOutput, LoadInput, RejectedBatch } from '../../lambdas/contract/manifests';
import { transformResultsPrefix } from '../../lambdas/contract/work-manifests';
import { putJson, type ObjectStore } from '../../lambdas/ports/object-store';
import { isCopy, type BatchItem, type Warehouse } from '../../lambdas/ports/warehouse';

/** Counts what a step sends to the warehouse: every statement of a transaction, every query and execute. */
export function countingWarehouse(inner: Warehouse): { warehouse: Warehouse; statements: () => number; copies: BatchItem[] } {
  let statements = 0;
  const copies: BatchItem[] = [];
  const warehouse: Warehouse = {
    query: (s) => (statements++, inner.query(s)),
    execute: (s) => (statements++, inner.execute(s)),
    transaction: (items) => {
      statements += items.length;
      copies.push(...items.filter(isCopy));
      return inner.transaction(items);
    },
    close: () => inner.close(),
  };
  return { warehouse, statements: () => statements, copies };
}

/** One source's entry of LoadInput.collected, its results written under the run's results prefix. */
export async function writeTransformResults(
  lake: ObjectStore,
  runId: string,
  source: LoadInput['collected'][number]['source'],
  outputs: Array<BatchOutput | RejectedBatch>,
): Promise<LoadInput['collected'][number]> {
  const prefix = `${transformResultsPrefix(runId, source)}/test-map-run`;
  const mapRunArn = `arn:aws:states:us-east-1:123456789012:mapRun:gridlake/TransformBatches:${source}`;
  const resultKey = `${prefix}/SUCCEEDED_0.json`;
  await putJson(
    lake,
    resultKey,
    outputs.map((o, i) => ({ ExecutionArn: `${mapRunArn}:${i}`, Status: 'SUCCEEDED', Output: JSON.stringify(o) })),
  );
  const manifestKey = `${prefix}/manifest.json`;
  await putJson(lake, manifestKey, { DestinationBucket: 'gridlake-curated', MapRunArn: mapRunArn, ResultFiles: { SUCCEEDED: [{ Key: resultKey, Size: 1 }], FAILED: [], PENDING: [] } });
  return { source, batches: outputs.length, transformed: { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: 'gridlake-curated', Key: manifestKey } } };
}
