/**
 * Distributed Map states, run by the local runner itself: aws-local-stepfunctions 3.0.0 has no
 * ItemReader, ResultWriter or child executions. Everything is derived from the definition (no
 * second list): a Map whose `ItemProcessor.ProcessorConfig.Mode` is `DISTRIBUTED` is handed to the
 * library as a Task with the Map's own Retry/Catch/ResultSelector/ResultPath/Next, served by
 * {@link runDistributedMap}, which
 *
 * - reads the items from `ItemsPath` or from the `ItemReader` object in the local lake (JSONL or a
 *   JSON array, `ReaderConfig.MaxItems`) — https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html;
 * - shapes each with `ItemSelector` (`$$.Map.Item.Value`/`Index`) and groups them with `ItemBatcher`
 *   (`MaxItemsPerBatch`, `MaxInputBytesPerBatch`, `BatchInput`) —
 *   https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html;
 * - runs each item as a child execution of the `ItemProcessor` (the caller's `runChild`: the same
 *   machinery, with its own history and quotas, as AWS keeps each child's history apart —
 *   https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html), at most
 *   `MaxConcurrency`/`MaxConcurrencyPath` at once;
 * - fails with `States.ExceedToleratedFailureThreshold` when more children fail than
 *   `ToleratedFailureCount`/`ToleratedFailurePercentage` (and their Paths) allow (zero by default),
 *   starting no more children — https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html;
 * - writes `ResultWriter` output as AWS lays it out: `<Prefix>/<map run id>/manifest.json` naming
 *   `SUCCEEDED_0.json` / `FAILED_0.json` (each child's ExecutionArn, Input, Output, Status…) and
 *   returns `{ MapRunArn, ResultWriterDetails: { Bucket, Key } }` —
 *   https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html; without a
 *   ResultWriter it returns the children's outputs in item order.
 */
import { randomUUID } from 'node:crypto';
import { getText, type ObjectStore } from '../lambdas/ports/object-store';
import { payloadBytes, StatesServiceError } from './quotas';

export interface AslStateLike {
  Type: string;
  [field: string]: unknown;
}

/** The fields of a Distributed Map state the runner reads. */
export interface DistributedMapState extends AslStateLike {
  ItemProcessor: { ProcessorConfig: { Mode: string; ExecutionType?: string }; StartAt: string; States: Record<string, AslStateLike> };
  ItemsPath?: string;
  ItemReader?: { Resource: string; ReaderConfig?: { InputType?: string; MaxItems?: number; MaxItemsPath?: string }; Parameters?: Record<string, unknown> };
  ItemSelector?: Record<string, unknown>;
  ItemBatcher?: { MaxItemsPerBatch?: number; MaxItemsPerBatchPath?: string; MaxInputBytesPerBatch?: number; MaxInputBytesPerBatchPath?: string; BatchInput?: Record<string, unknown> };
  MaxConcurrency?: number;
  MaxConcurrencyPath?: string;
  ToleratedFailureCount?: number;
  ToleratedFailureCountPath?: string;
  ToleratedFailurePercentage?: number;
  ToleratedFailurePercentagePath?: string;
  ResultWriter?: { Resource: string; Parameters?: Record<string, unknown> };
}

export function isDistributedMap(state: AslStateLike): state is DistributedMapState {
  const processor = state.ItemProcessor as DistributedMapState['ItemProcessor'] | undefined;
  return state.Type === 'Map' && processor?.ProcessorConfig?.Mode === 'DISTRIBUTED';
}

/** Fields a Map shares with a Task: kept when the library sees the Map as a Task. */
const KEPT_AS_TASK = ['Comment', 'InputPath', 'OutputPath', 'ResultPath', 'ResultSelector', 'Retry', 'Catch', 'Next', 'End'] as const;

/** The Task the library runs in place of a Distributed Map (served by a local handler of the same state name). */
export function distributedMapAsTask(name: string, state: DistributedMapState, timeoutSeconds: number): AslStateLike {
  const task: AslStateLike = { Type: 'Task', Resource: `arn:aws:lambda:local-1:000000000000:function:gridlake-distributed-map-${name}`, TimeoutSeconds: timeoutSeconds };
  for (const field of KEPT_AS_TASK) if (state[field] !== undefined) task[field] = state[field];
  return task;
}

/** A failure of the Map run itself (States.ItemReaderFailed, States.ResultWriterFailed, …): catchable. */
export class MapRunError extends StatesServiceError {}

/** One child execution's outcome, as the ResultWriter files record it. */
export interface ChildOutcome {
  status: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: string;
  cause?: string;
}

export interface DistributedMapContext {
  /** The state's name (for messages and ARNs). */
  name: string;
  state: DistributedMapState;
  /** The effective input of the state (after InputPath). */
  input: unknown;
  lake: ObjectStore;
  /** Bucket names that stand for the local lake (the ASL's `${…BucketName}` substitutions). */
  localBuckets: ReadonlySet<string>;
  /** Runs one child execution of the ItemProcessor with this input. */
  /** Runs one child execution of the ItemProcessor; `stopped` says when its Map Run has failed (stop its work). */
  runChild: (input: unknown, index: number, stopped: () => boolean) => Promise<ChildOutcome>;
  /** Whether the enclosing execution has already failed: start no more children. */
  stopped: () => boolean;
  /**
   * The AWS requests Step Functions makes with the state machine's role for this Map Run (read the
   * ItemReader object, write the ResultWriter files, start each child): the IAM simulation checks them.
   */
  onServiceCall?: (call: ServiceCall) => void;
  /** Called once the map run starts and ends (history events MapRunStarted / MapRunSucceeded / MapRunFailed). */
  onMapRun?: (event: 'MapRunStarted' | 'MapRunSucceeded' | 'MapRunFailed') => void;
}

export interface ServiceCall {
  state: string;
  action: 's3:GetObject' | 's3:PutObject' | 'states:StartExecution';
  /** The object key (S3) or the child execution's name, `<map run id>:<index>` (states). */
  key: string;
}

export interface DistributedMapRun {
  output: unknown;
  children: number;
  failed: number;
}

export async function runDistributedMap(ctx: DistributedMapContext): Promise<DistributedMapRun> {
  const { state, input, name } = ctx;
  const mapRunId = randomUUID();
  const mapRunArn = `arn:aws:states:local-1:000000000000:mapRun:gridlake-local/${name}:${mapRunId}`;
  const items = await readItems(ctx);
  const selected = items.map((value, index) => (state.ItemSelector ? evaluateTemplate(state.ItemSelector, input, { Map: { Item: { Value: value, Index: index } } }) : value));
  const childInputs = batch(selected, state, input);
  const concurrency = numberField(state, 'MaxConcurrency', input) ?? 0;
  const limit = concurrency > 0 ? concurrency : Math.max(1, childInputs.length);
  const toleratedCount = numberField(state, 'ToleratedFailureCount', input);
  const toleratedPercentage = numberField(state, 'ToleratedFailurePercentage', input);
  const tolerance = (failed: number) => {
    // Neither set: no failure is tolerated. Either set: the run fails when any set threshold is passed.
    if (toleratedCount === undefined && toleratedPercentage === undefined) return failed > 0;
    return (toleratedCount !== undefined && failed > toleratedCount) || (toleratedPercentage !== undefined && (failed / childInputs.length) * 100 > toleratedPercentage);
  };

  ctx.onMapRun?.('MapRunStarted');
  const outcomes: Array<(ChildOutcome & { input: unknown; arn: string }) | undefined> = new Array(childInputs.length);
  let failed = 0;
  let exceeded = false;
  /** The first child to fail, in time: children stopped because of it fail after it. */
  let firstFailure: ChildOutcome | undefined;
  let next = 0;
  const worker = async () => {
    while (next < childInputs.length && !exceeded && !ctx.stopped()) {
      const index = next++;
      const childInput = childInputs[index];
      const arn = `arn:aws:states:local-1:000000000000:execution:gridlake-local/${name}:${mapRunId}:${index}`;
      ctx.onServiceCall?.({ state: name, action: 'states:StartExecution', key: `${mapRunId}:${index}` });
      const outcome = await ctx.runChild(childInput, index, () => exceeded || ctx.stopped());
      outcomes[index] = { ...outcome, input: childInput, arn };
      if (outcome.status === 'FAILED') {
        firstFailure ??= outcome;
        failed += 1;
        if (tolerance(failed)) exceeded = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, childInputs.length) }, worker));

  if (exceeded || (ctx.stopped() && outcomes.some((o) => o === undefined))) {
    ctx.onMapRun?.('MapRunFailed');
    const why = firstFailure ? `; first failure: ${firstFailure.error ?? 'error'}: ${firstFailure.cause ?? ''}` : '';
    throw new MapRunError(
      'States.ExceedToleratedFailureThreshold',
      `The Map Run of ${name} failed: ${failed} of ${childInputs.length} child execution(s) failed, more than the tolerated failure threshold${why}`,
    );
  }
  ctx.onMapRun?.('MapRunSucceeded');
  const done = outcomes as Array<ChildOutcome & { input: unknown; arn: string }>;
  if (!state.ResultWriter) return { output: done.map((o) => o.output ?? null), children: done.length, failed };
  return { output: await writeResults(ctx, mapRunArn, mapRunId, done), children: done.length, failed };
}

async function readItems(ctx: DistributedMapContext): Promise<unknown[]> {
  const { state, input, name } = ctx;
  if (!state.ItemReader) {
    const items = state.ItemsPath ? evaluatePath(state.ItemsPath, input, {}) : input;
    if (!Array.isArray(items)) throw new MapRunError('States.Runtime', `${name}: ItemsPath ${state.ItemsPath ?? '$'} is not an array.`);
    return items;
  }
  const reader = state.ItemReader;
  if (reader.Resource !== 'arn:aws:states:::s3:getObject') {
    throw new MapRunError('States.ItemReaderFailed', `${name}: the local runner reads ItemReader objects with arn:aws:states:::s3:getObject only, not ${reader.Resource}.`);
  }
  const params = evaluateTemplate(reader.Parameters ?? {}, input, {}) as { Bucket?: string; Key?: string };
  const key = objectKey(ctx, params.Bucket, params.Key, 'ItemReader');
  let text: string;
  try {
    ctx.onServiceCall?.({ state: name, action: 's3:GetObject', key });
    text = await getText(ctx.lake, key);
  } catch (e) {
    throw new MapRunError('States.ItemReaderFailed', `${name}: cannot read the ItemReader object ${params.Bucket}/${key} (${(e as Error).message}).`);
  }
  const type = reader.ReaderConfig?.InputType ?? 'JSON';
  let items: unknown[];
  try {
    if (type === 'JSONL') items = text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
    else if (type === 'JSON') items = JSON.parse(text) as unknown[];
    else throw new Error(`InputType ${type} is not supported by the local runner (JSONL and JSON are)`);
  } catch (e) {
    throw new MapRunError('States.ItemReaderFailed', `${name}: the ItemReader object ${key} is not valid ${type} (${(e as Error).message}).`);
  }
  if (!Array.isArray(items)) throw new MapRunError('States.ItemReaderFailed', `${name}: the ItemReader object ${key} is not a JSON array.`);
  const maxItems = reader.ReaderConfig?.MaxItems ?? (reader.ReaderConfig?.MaxItemsPath ? Number(evaluatePath(reader.ReaderConfig.MaxItemsPath, input, {})) : undefined);
  return maxItems && maxItems > 0 ? items.slice(0, maxItems) : items;
}

/** ItemBatcher: `{ Items, BatchInput }` children, bounded by item count and input bytes. */
function batch(items: unknown[], state: DistributedMapState, input: unknown): unknown[] {
  const b = state.ItemBatcher;
  if (!b) return items;
  const maxItems = b.MaxItemsPerBatch ?? (b.MaxItemsPerBatchPath ? Number(evaluatePath(b.MaxItemsPerBatchPath, input, {})) : undefined);
  const maxBytes = b.MaxInputBytesPerBatch ?? (b.MaxInputBytesPerBatchPath ? Number(evaluatePath(b.MaxInputBytesPerBatchPath, input, {})) : undefined) ?? 262_144;
  const batchInput = b.BatchInput ? evaluateTemplate(b.BatchInput, input, {}) : undefined;
  const out: unknown[] = [];
  let current: unknown[] = [];
  const wrap = (list: unknown[]) => (batchInput === undefined ? { Items: list } : { BatchInput: batchInput, Items: list });
  for (const item of items) {
    const candidate = [...current, item];
    if (current.length > 0 && ((maxItems !== undefined && candidate.length > maxItems) || payloadBytes(wrap(candidate)) > maxBytes)) {
      out.push(wrap(current));
      current = [item];
    } else current = candidate;
  }
  if (current.length > 0) out.push(wrap(current));
  return out;
}

async function writeResults(ctx: DistributedMapContext, mapRunArn: string, mapRunId: string, done: Array<ChildOutcome & { input: unknown; arn: string }>) {
  const { state, input, name } = ctx;
  const writer = state.ResultWriter!;
  if (writer.Resource !== 'arn:aws:states:::s3:putObject') {
    throw new MapRunError('States.ResultWriterFailed', `${name}: ResultWriter Resource must be arn:aws:states:::s3:putObject, not ${writer.Resource}.`);
  }
  const params = evaluateTemplate(writer.Parameters ?? {}, input, {}) as { Bucket?: string; Prefix?: string };
  const prefix = objectKey(ctx, params.Bucket, params.Prefix, 'ResultWriter').replace(/\/+$/, '');
  const base = `${prefix}/${mapRunId}`;
  const now = new Date().toISOString();
  const entry = (o: ChildOutcome & { input: unknown; arn: string }) => ({
    ExecutionArn: o.arn,
    Input: JSON.stringify(o.input),
    InputDetails: { Included: true },
    Name: o.arn.split(':').slice(-2).join(':'),
    ...(o.status === 'SUCCEEDED' ? { Output: JSON.stringify(o.output ?? null), OutputDetails: { Included: true } } : { Error: o.error, Cause: o.cause }),
    RedriveCount: 0,
    RedriveStatus: 'NOT_REDRIVABLE',
    StartDate: now,
    StateMachineArn: `arn:aws:states:local-1:000000000000:stateMachine:gridlake-local/${name}`,
    Status: o.status,
    StopDate: now,
  });
  const files: Record<'SUCCEEDED' | 'FAILED' | 'PENDING', Array<{ Key: string; Size: number }>> = { SUCCEEDED: [], FAILED: [], PENDING: [] };
  for (const status of ['SUCCEEDED', 'FAILED'] as const) {
    const mine = done.filter((o) => o.status === status);
    if (mine.length === 0) continue;
    const key = `${base}/${status}_0.json`;
    const body = JSON.stringify(mine.map(entry));
    ctx.onServiceCall?.({ state: name, action: 's3:PutObject', key });
    await ctx.lake.put(key, body, { contentType: 'application/json' });
    files[status].push({ Key: key, Size: Buffer.byteLength(body) });
  }
  const manifestKey = `${base}/manifest.json`;
  ctx.onServiceCall?.({ state: name, action: 's3:PutObject', key: manifestKey });
  await ctx.lake.put(manifestKey, JSON.stringify({ DestinationBucket: params.Bucket, MapRunArn: mapRunArn, ResultFiles: files }), { contentType: 'application/json' });
  return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: params.Bucket, Key: manifestKey } };
}

/** A key in the local lake, refusing a bucket that is not one of the definition's substituted buckets. */
function objectKey(ctx: DistributedMapContext, bucket: string | undefined, key: string | undefined, field: string): string {
  if (!bucket || !ctx.localBuckets.has(bucket)) {
    const error = field === 'ItemReader' ? 'States.ItemReaderFailed' : 'States.ResultWriterFailed';
    throw new MapRunError(error, `${ctx.name}: ${field} bucket "${bucket}" is not a bucket of this deployment (use a \${…BucketName} substitution).`);
  }
  if (typeof key !== 'string' || key === '') {
    const error = field === 'ItemReader' ? 'States.ItemReaderFailed' : 'States.ResultWriterFailed';
    throw new MapRunError(error, `${ctx.name}: ${field} has no ${field === 'ItemReader' ? 'Key' : 'Prefix'}.`);
  }
  return key;
}

function numberField(state: DistributedMapState, field: 'MaxConcurrency' | 'ToleratedFailureCount' | 'ToleratedFailurePercentage', input: unknown): number | undefined {
  const direct = state[field];
  if (typeof direct === 'number') return direct;
  const path = state[`${field}Path`];
  if (typeof path !== 'string') return undefined;
  const value = evaluatePath(path, input, {});
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new MapRunError('States.Runtime', `${field}Path ${path} must select a non-negative number, got ${JSON.stringify(value)}.`);
  }
  return value;
}

/**
 * A Parameters-style template: `"key.$"` fields are paths (`$…` into the input, `$$…` into the
 * context object), others are literal. Intrinsic functions are not needed by gridlake's ASL and
 * are refused rather than passed on as text.
 */
export function evaluateTemplate(template: unknown, input: unknown, context: Record<string, unknown>): unknown {
  if (Array.isArray(template)) return template.map((t) => evaluateTemplate(t, input, context));
  if (!template || typeof template !== 'object') return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template as Record<string, unknown>)) {
    if (key.endsWith('.$')) {
      if (typeof value !== 'string') throw new MapRunError('States.Runtime', `Field ${key} must be a path string.`);
      out[key.slice(0, -2)] = evaluatePath(value, input, context);
    } else out[key] = evaluateTemplate(value, input, context);
  }
  return out;
}

function evaluatePath(path: string, input: unknown, context: Record<string, unknown>): unknown {
  if (path.startsWith('States.')) throw new MapRunError('States.Runtime', `Intrinsic function ${path} is not supported by the local Distributed Map runner.`);
  const onContext = path.startsWith('$$');
  let value: unknown = onContext ? context : input;
  for (const step of referenceSteps(onContext ? path.slice(1) : path)) {
    value = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[step] : undefined;
    if (value === undefined) throw new MapRunError('States.Runtime', `The path ${path} selects nothing in the ${onContext ? 'context object' : 'state input'}.`);
  }
  return value;
}

/**
 * The steps of a reference path — `$`, `.field`, `['field']`, `[index]` — the only paths ItemsPath,
 * Parameters and ItemSelector take in JSONPath mode
 * (https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html).
 */
function referenceSteps(path: string): Array<string | number> {
  if (!path.startsWith('$')) throw new MapRunError('States.Runtime', `The path ${path} does not start with $.`);
  const steps: Array<string | number> = [];
  const pattern = /\.([A-Za-z_$][\w$-]*)|\['([^']*)'\]|\[(\d+)\]/y;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < path.length) {
    const m = pattern.exec(path);
    if (!m) throw new MapRunError('States.Runtime', `The path ${path} is not a reference path ($.a.b, $['a'], $[0]); the local runner supports those only.`);
    steps.push(m[1] ?? m[2] ?? Number(m[3]));
  }
  return steps;
}
