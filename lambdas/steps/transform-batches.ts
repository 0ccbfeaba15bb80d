/**
 * How Collect groups a source's raw files into transform batches (one TransformBatch invocation
 * each): a Lambda invocation has a fixed cost (start, DuckDB connection, S3 round trips; ~0.15 s per
 * file measured here) and a Distributed Map child costs state transitions, so thousands of small
 * files (the energy app's export: one CSV per meter) are read many to an invocation.
 *
 * A batch holds files of one dataset, in collect order, up to `batchBytes` of raw bytes; a file
 * larger than that is a batch of its own and is streamed (DuckDB reads a CSV in chunks and spills
 * past its memory_limit to its temp_directory; see docs/TRANSFORM.md, Batches). A batch is also cut
 * when its JSON would pass `maxItemBytes`: the Distributed Map hands each item to its child as
 * input, and a child's input is bounded by the 256 KB payload quota
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
 */
import type { Batch, TransformBatch } from '../contract/manifests';
import { filesTag } from './transform/object-keys';

export interface GroupingLimits {
  /** Raw bytes a batch may hold (config transform.batchBytes). */
  batchBytes: number;
  /** Largest JSON text of one batch item. */
  maxItemBytes: number;
}

/**
 * A batch item's JSON stays at a quarter of the 256 KB child input, and so does the batch's output
 * (a per-file result is smaller than the file's item): ~200 export files a batch, every state far
 * below the quota whatever the number of files.
 */
export const MAX_BATCH_ITEM_BYTES = 64 * 1024;

/**
 * Groups files (what a source's collect returns, one Batch per raw object) into batches; `sizeOf`
 * gives each raw object's bytes. Every file gets its 1-based position among all files (`seq`).
 */
export function groupIntoBatches(files: readonly Batch[], sizeOf: (rawKey: string) => number, limits: GroupingLimits): TransformBatch[] {
  const out: TransformBatch[] = [];
  let current: { head: Omit<TransformBatch, 'tag' | 'files'>; files: TransformBatch['files']; bytes: number; json: number } | undefined;
  const close = () => {
    if (!current) return;
    out.push({ ...current.head, tag: filesTag(current.files.map((f) => f.rawKey)), files: current.files });
    current = undefined;
  };
  files.forEach((file, i) => {
    const entry = { rawKey: file.rawKey, format: file.format, options: file.options, seq: i + 1, bytes: sizeOf(file.rawKey) };
    const entryJson = Buffer.byteLength(JSON.stringify(entry)) + 1;
    const sameGroup =
      current !== undefined &&
      current.head.dataset === file.dataset &&
      current.head.source === file.source &&
      current.bytes + entry.bytes <= limits.batchBytes &&
      current.json + entryJson <= limits.maxItemBytes;
    if (!sameGroup) {
      close();
      const head = { runId: file.runId, date: file.date, source: file.source, dataset: file.dataset };
      // The head and the tag (at most ~100 characters) are counted once per batch.
      current = { head, files: [], bytes: 0, json: Buffer.byteLength(JSON.stringify(head)) + 160 };
    }
    current!.files.push(entry);
    current!.bytes += entry.bytes;
    current!.json += entryJson;
  });
  close();
  return out;
}
