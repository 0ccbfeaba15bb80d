/**
 * The small JSON documents the workflow passes between states (S3 keys and counts, never data: Step
 * Functions payloads are limited to 256 KB). Validated with zod at every handler boundary.
 */
import { z } from 'zod';
import { isRealDate } from '../calendar';
import { SOURCE_NAMES } from '../config';

const IsoDate = z.string().refine(isRealDate, 'must be a real calendar date YYYY-MM-DD');
export const SourceNameSchema = z.enum(SOURCE_NAMES);

/** What a schedule, the CLI or an operator starts an execution with. */
export const RunInputSchema = z
  .object({
    date: IsoDate.optional(),
    from: IsoDate.optional(),
    to: IsoDate.optional(),
    sources: z.array(SourceNameSchema).optional(),
    /** Bump to force a distinct run id for the same date (a new attempt). Default 1. */
    attempt: z.number().int().positive().optional(),
    /** Set by EventBridge Scheduler: the scheduled time; its local date is the run date. */
    scheduledTime: z.string().optional(),
  })
  .refine((v) => !(v.date && (v.from || v.to)), 'give either date or from/to, not both')
  .refine((v) => !v.from === !v.to, 'from and to go together');
export type RunInput = z.infer<typeof RunInputSchema>;

/** One date's run: the unit of idempotency. */
export const DateRunSchema = z.object({
  runId: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  date: IsoDate,
  sources: z.array(SourceNameSchema),
  startedAt: z.string(),
});
export type DateRun = z.infer<typeof DateRunSchema>;

/** Plan's dates, in memory (the pure planning function; the step writes them to the lake). */
export const PlannedDatesSchema = z.object({
  runs: z.array(DateRunSchema).min(1),
  startedAt: z.string(),
  latest: z.object({ runId: z.string(), date: IsoDate }),
  firstDate: IsoDate,
});
export type PlannedDates = z.infer<typeof PlannedDatesSchema>;

/**
 * What Plan passes on: the dates are a JSON Lines object in the lake (`runsKey`, one DateRun a
 * line) that the ForEachDate Distributed Map reads, never a list in the state.
 */
export const PlanOutputSchema = z.object({
  runsKey: z.string(),
  /** Number of dates (lines of runsKey). */
  dates: z.number().int().positive(),
  /** ForEachDate's MaxConcurrencyPath: dates loading at once (config workflow.dateConcurrency). */
  dateConcurrency: z.number().int().positive(),
  /** Where ForEachDate's ResultWriter writes the per-date load results. */
  resultsPrefix: z.string(),
  startedAt: z.string(),
  /** The last date's run: analyze and publish describe the warehouse as of this run. */
  latest: z.object({ runId: z.string(), date: IsoDate }),
  /** The first date of the execution (= latest.date for a daily run; earlier for a backfill). */
  firstDate: IsoDate,
});
export type PlanOutput = z.infer<typeof PlanOutputSchema>;

export const CollectInputSchema = z.object({
  runId: z.string(),
  date: IsoDate,
  source: SourceNameSchema,
});
export type CollectInput = z.infer<typeof CollectInputSchema>;

/** A raw object to transform into one dataset. */
export const BatchSchema = z.object({
  runId: z.string(),
  date: IsoDate,
  source: SourceNameSchema,
  dataset: z.string(),
  rawKey: z.string(),
  format: z.enum(['jsonl.gz', 'csv']),
  /** Source-specific hints, e.g. the timezone of naive timestamps, the unit column. */
  options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
});
export type Batch = z.infer<typeof BatchSchema>;

/** One raw file of a transform batch: its key, format and options, its position among the source's files and its size. */
export const BatchFileSchema = BatchSchema.pick({ rawKey: true, format: true, options: true }).extend({
  /**
   * 1-based position of the file among the files of its source and run, in collect order. The
   * curated rows carry it (column `file_seq`): the load dedupes every file of a run at once, a later
   * file's version of a key winning, as files are read in order.
   */
  seq: z.number().int().positive(),
  /** Size in bytes (what the batch's byte bound counts). */
  bytes: z.number().int().nonnegative(),
});
export type BatchFile = z.infer<typeof BatchFileSchema>;

/**
 * One TransformBatch invocation: raw files of one dataset, grouped by Collect up to
 * `transform.batchBytes` (a larger file is a batch of its own) and a bounded item size (the
 * Distributed Map passes the item as the child's input: 256 KB). Curated output: one Parquet per batch.
 */
export const TransformBatchSchema = z.object({
  runId: z.string(),
  date: IsoDate,
  source: SourceNameSchema,
  dataset: z.string(),
  /** Names the batch's output objects: unique per run by construction (lambdas/steps/transform/object-keys.ts). */
  tag: z.string().regex(/^[A-Za-z0-9._-]+$/),
  files: z.array(BatchFileSchema).min(1),
});
export type TransformBatch = z.infer<typeof TransformBatchSchema>;

/**
 * What Collect passes on: its batches are a JSON Lines object in the lake (`batchesKey`, one Batch a
 * line) that the TransformBatches Distributed Map reads; the state holds the key and the count.
 */
export const CollectOutputSchema = z.object({
  runId: z.string(),
  date: IsoDate,
  source: SourceNameSchema,
  batchesKey: z.string(),
  batches: z.number().int().nonnegative(),
  /** Where TransformBatches' ResultWriter writes the transform results. */
  resultsPrefix: z.string(),
  /** TransformBatches' MaxConcurrencyPath (config workflow.transformConcurrency). */
  transformConcurrency: z.number().int().positive(),
});
export type CollectOutput = z.infer<typeof CollectOutputSchema>;

/** What one file of a batch did; counts reconcile per file: rowsIn = rowsOut + duplicates + quarantined. */
export const FileResultSchema = z.object({
  rawKey: z.string(),
  seq: z.number().int().positive(),
  rowsIn: z.number().int().nonnegative(),
  rowsOut: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  quarantined: z.number().int().nonnegative(),
  /** meter_readings: the timezone naive timestamps were read in. */
  timezone: z.string().optional(),
});
export type FileResult = z.infer<typeof FileResultSchema>;

/** A raw file its source cannot read as a whole (RawFileRejected): only this file is left out of its batch. */
export const RejectedFileSchema = z.object({ rawKey: z.string(), error: z.string() });
export type RejectedFile = z.infer<typeof RejectedFileSchema>;

/**
 * What a TransformBatch returns: one curated Parquet for the batch (`curatedKeys`, with its size
 * for the load's COPY manifest), one quarantine file, the totals, and each file's own counts and
 * rejection. Totals reconcile: rowsIn = rowsOut + duplicates + quarantined.
 */
export const BatchOutputSchema = z.object({
  runId: z.string(),
  date: IsoDate,
  source: SourceNameSchema,
  dataset: z.string(),
  tag: z.string(),
  curatedKeys: z.array(z.string()),
  /** Bytes of each curated object, in the order of curatedKeys (the COPY manifest's content_length). */
  curatedBytes: z.array(z.number().int().nonnegative()),
  quarantineKey: z.string().nullable(),
  rowsIn: z.number().int().nonnegative(),
  rowsOut: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  quarantined: z.number().int().nonnegative(),
  files: z.array(FileResultSchema),
  rejected: z.array(RejectedFileSchema),
  /** Things the data loaded as told but a person should check, each starting with its file's name. */
  warnings: z.array(z.string()).optional(),
});
export type BatchOutput = z.infer<typeof BatchOutputSchema>;

/**
 * A batch that failed as a whole with RawFileRejected (the BatchRejected state of the workflow):
 * the transform catches a file's RawFileRejected itself, so this is the last line of defence.
 */
export const RejectedBatchSchema = z.object({
  rejected: z.literal(true),
  runId: z.string(),
  date: IsoDate,
  source: SourceNameSchema,
  dataset: z.string(),
  tag: z.string(),
  /** The error as Step Functions reports it (Cause: JSON with errorMessage, or text). */
  error: z.string(),
});
export type RejectedBatch = z.infer<typeof RejectedBatchSchema>;

export const LoadInputSchema = z.object({
  runId: z.string(),
  date: IsoDate,
  sources: z.array(SourceNameSchema),
  startedAt: z.string(),
  /**
   * One entry per source (the configured sources, a bounded list): the TransformBatches map's
   * ResultWriter output, whose manifest names the files holding every batch's result.
   */
  collected: z.array(
    z.object({
      source: SourceNameSchema,
      batches: z.number().int().nonnegative(),
      transformed: z.object({ MapRunArn: z.string(), ResultWriterDetails: z.object({ Bucket: z.string(), Key: z.string() }) }),
    }),
  ),
});
/** One transform result as the Load reads it back from the ResultWriter files. */
export const TransformResultSchema = z.union([BatchOutputSchema, RejectedBatchSchema]);
export type LoadInput = z.infer<typeof LoadInputSchema>;

export const SourceCountsSchema = z.object({
  source: SourceNameSchema,
  rowsIn: z.number().int(),
  rowsLoaded: z.number().int(),
  duplicates: z.number().int(),
  quarantined: z.number().int(),
});
export const LoadOutputSchema = z.object({
  runId: z.string(),
  date: IsoDate,
  counts: z.array(SourceCountsSchema),
  /** Data checks of severity warn that found something (freshness), each naming table, check and value. */
  warnings: z.array(z.string()).optional(),
});
export type LoadOutput = z.infer<typeof LoadOutputSchema>;

/** What PrepareAnomalies returns into the state (lambdas/steps/analyze/anomaly-pages.ts): keys and counts only. */
export const AnomalyPagesSchema = z.object({
  /** The pages as JSON Lines (the DetectAnomalies Map's ItemReader). */
  pagesKey: z.string(),
  /** Where the Map's ResultWriter writes the pages' outcomes. */
  resultsPrefix: z.string(),
  pages: z.number().int().nonnegative(),
  meters: z.number().int().nonnegative(),
  /** The DetectAnomalies Map's MaxConcurrency (config analysis.pageConcurrency). */
  concurrency: z.number().int().positive(),
});
export type AnomalyPages = z.infer<typeof AnomalyPagesSchema>;

export const AnalyzeInputSchema = z.object({
  /** The last date of the execution: results describe the warehouse as of this date. */
  date: IsoDate,
  runId: z.string(),
  /** The first date the execution loaded: anomalies are detected from here (capped) to `date`. */
  fromDate: IsoDate.optional(),
  /**
   * The workflow's PrepareAnomalies output: the meters' anomalies were detected page by page by the
   * DetectAnomalies Map before Analyze. Absent (a direct call), Analyze runs the pages itself.
   */
  anomalyPages: AnomalyPagesSchema.optional(),
});
export type AnalyzeInput = z.infer<typeof AnalyzeInputSchema>;

export const AnalyzeOutputSchema = z.object({
  runId: z.string(),
  resultKeys: z.array(z.string()),
  counts: z.record(z.string(), z.number()),
});
export type AnalyzeOutput = z.infer<typeof AnalyzeOutputSchema>;

export const PublishInputSchema = z.object({ runId: z.string() });
export type PublishInput = z.infer<typeof PublishInputSchema>;

export const PublishOutputSchema = z.object({ published: z.array(z.string()) });
export type PublishOutput = z.infer<typeof PublishOutputSchema>;

/** NotifyFailure gets the plan (when Plan succeeded) or the execution input (when Plan failed). */
export const FailureInputSchema = z.object({
  plan: PlanOutputSchema.optional(),
  input: z.unknown().optional(),
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).passthrough(),
});
export type FailureInput = z.infer<typeof FailureInputSchema>;

/** Validates a handler's input, with an error that names the handler and the bad fields. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, handler: string): z.infer<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
    throw new Error(`${handler}: invalid input (${problems}).`);
  }
  return r.data;
}
