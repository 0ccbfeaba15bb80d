/**
 * Lists that grow with files, meters or dates never travel in the Step Functions state (256 KB
 * payload quota, https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html): they are
 * written to the lake as JSON Lines, one item a line, and a Distributed Map reads them with its
 * `ItemReader` (`InputType: JSONL`,
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html). What the
 * children return comes back the same way, through the Map's `ResultWriter`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html): a
 * `manifest.json` naming `SUCCEEDED_n.json` / `FAILED_n.json` files. The state carries only keys
 * and counts.
 *
 * Every key lives under `curated/_manifests/`, the prefix of working files that the curated
 * bucket expires after 7 days (lib/data-lake.ts).
 */
import { z } from 'zod';
import { getJson, getText, type ObjectStore } from '../ports/object-store';

export const WORK_PREFIX = 'curated/_manifests/';

/** The dates of one execution (Plan writes it, ForEachDate reads it). */
export function planRunsKey(startedAt: string, firstRunId: string, lastRunId: string): string {
  return `${WORK_PREFIX}executions/${startedAt.replace(/[:.]/g, '-')}-${firstRunId}-${lastRunId}/dates.jsonl`;
}

/** Where ForEachDate's ResultWriter writes the per-date results of one execution. */
export function planResultsPrefix(runsKey: string): string {
  return runsKey.slice(0, -'dates.jsonl'.length) + 'loaded';
}

/** One source's batches of one run (Collect writes it, the TransformBatches map reads it). */
export function batchesKey(runId: string, source: string): string {
  return `${WORK_PREFIX}run=${runId}/source=${source}/batches.jsonl`;
}

/** Where the TransformBatches map's ResultWriter writes one source's transform results. */
export function transformResultsPrefix(runId: string, source: string): string {
  return `${WORK_PREFIX}run=${runId}/source=${source}/transformed`;
}

/** JSON Lines: one item a line, newline-terminated (the ItemReader's JSONL input type). */
export function toJsonl(items: readonly unknown[]): string {
  return items.map((i) => JSON.stringify(i)).join('\n') + (items.length ? '\n' : '');
}

export async function putJsonl(store: ObjectStore, key: string, items: readonly unknown[]): Promise<void> {
  await store.put(key, toJsonl(items), { contentType: 'application/x-ndjson' });
}

/** Reads a JSON Lines object, validating every line; errors name the object and the line. */
export async function readJsonl<S extends z.ZodType>(store: ObjectStore, key: string, schema: S): Promise<Array<z.infer<S>>> {
  const lines = (await getText(store, key)).split('\n');
  const out: Array<z.infer<S>> = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new Error(`${store.location}/${key} line ${i + 1} is not JSON (${(e as Error).message}).`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((p) => `${p.path.join('.') || '(line)'}: ${p.message}`).join('; ');
      throw new Error(`${store.location}/${key} line ${i + 1}: ${problems}.`);
    }
    out.push(parsed.data);
  });
  return out;
}

/** What a Distributed Map with a ResultWriter outputs (resultwriter page, "Exporting to Amazon S3"). */
export const ResultWriterOutputSchema = z.object({
  MapRunArn: z.string(),
  ResultWriterDetails: z.object({ Bucket: z.string(), Key: z.string() }),
});
export type ResultWriterOutput = z.infer<typeof ResultWriterOutputSchema>;

/** The `manifest.json` a ResultWriter writes next to its result files. */
export const ResultManifestSchema = z.object({
  DestinationBucket: z.string(),
  MapRunArn: z.string(),
  ResultFiles: z.object({
    SUCCEEDED: z.array(z.object({ Key: z.string(), Size: z.number() })).default([]),
    FAILED: z.array(z.object({ Key: z.string(), Size: z.number() })).default([]),
    PENDING: z.array(z.object({ Key: z.string(), Size: z.number() })).default([]),
  }),
});
export type ResultManifest = z.infer<typeof ResultManifestSchema>;

/** One child execution in a result file (Transformation NONE: Input and Output are JSON text). */
export const ChildResultSchema = z
  .object({
    ExecutionArn: z.string(),
    Name: z.string().optional(),
    Status: z.string(),
    Input: z.string().optional(),
    Output: z.string().optional(),
    Error: z.string().optional(),
    Cause: z.string().optional(),
  })
  .passthrough();
export type ChildResult = z.infer<typeof ChildResultSchema>;

/**
 * The outputs of a Map run's succeeded children, read back from its ResultWriter manifest, and the
 * failed ones (the Map's ToleratedFailure* let them through).
 */
export async function readMapResults(store: ObjectStore, manifestKey: string): Promise<{ succeeded: unknown[]; failed: ChildResult[] }> {
  const parsed = ResultManifestSchema.safeParse(await getJson(store, manifestKey));
  if (!parsed.success) throw new Error(`${store.location}/${manifestKey} is not a Step Functions ResultWriter manifest.`);
  const succeeded: unknown[] = [];
  const failed: ChildResult[] = [];
  for (const [status, files] of [['SUCCEEDED', parsed.data.ResultFiles.SUCCEEDED], ['FAILED', parsed.data.ResultFiles.FAILED]] as const) {
    for (const file of files) {
      const children = z.array(ChildResultSchema).safeParse(await getJson(store, file.Key));
      if (!children.success) throw new Error(`${store.location}/${file.Key} is not a ResultWriter result file.`);
      for (const child of children.data) {
        if (status === 'SUCCEEDED') succeeded.push(JSON.parse(child.Output ?? 'null'));
        else failed.push(child);
      }
    }
  }
  return { succeeded, failed };
}
