/**
 * Runs statemachines/etl.asl.json locally with aws-local-stepfunctions: the same file Step Functions
 * runs in the cloud. Every Task state is overridden by the Lambda handler its `${…FunctionArn}`
 * resource maps to (derived from the ASL by lib/asl-tasks.ts, never a second list), and the handlers
 * build local ports from the environment set here (folder lake, DuckDB warehouse).
 */
import './polyfill';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { aslBucketSubstitutions, aslTaskHandlers } from '../lib/asl-tasks';
import { localPaths } from '../lambdas/ports/local-paths';
import type { ObjectStore } from '../lambdas/ports/object-store';
import { distributedMapAsTask, isDistributedMap, runDistributedMap, type AslStateLike, type DistributedMapState, type ServiceCall } from './distributed-map';
import type { Config } from '../lambdas/config';
import { importHandlerModule } from './handler-module';
import {
  AWS_QUOTAS,
  DEFAULT_TASK_TIMEOUT_SECONDS,
  HistoryCounter,
  StatesServiceError,
  assertPayload,
  namesError,
  payloadBytes,
  withTaskTimeout,
  type StepFunctionsQuotas,
} from './quotas';
import type { MigrationReport } from '../lambdas/schema/migration-runner';
import { migrateLocalWarehouse } from './migrate';

export const ROOT = resolve(__dirname, '..');
export const ASL_PATH = join(ROOT, 'statemachines', 'etl.asl.json');

export interface StateEvent {
  kind: 'entered' | 'exited' | 'failed' | 'retried' | 'caught';
  state: string;
  /** Map iteration index, when inside a Map. */
  index?: number;
  input?: unknown;
  output?: unknown;
  error?: string;
  at: number;
}

export interface LocalRunOptions {
  dataDir: string;
  input: Record<string, unknown>;
  config?: Partial<Config> | Record<string, unknown>;
  onEvent?: (event: StateEvent) => void;
  /** Milliseconds to wait between retries (tests set 0). Default: the ASL's backoff. */
  retryIntervalMs?: number;
  /** Replace a Task state's handler (tests inject failures); keyed by state name. */
  taskOverrides?: Record<string, (input: unknown) => Promise<unknown>>;
  /**
   * Tests only: smaller Step Functions quotas, to prove they are enforced without building 256 KB
   * payloads or 25,000 events. Every other caller runs with AWS's values (local/quotas.ts).
   */
  quotas?: Partial<StepFunctionsQuotas>;
  /** The requests Step Functions itself makes for the Distributed Maps (the IAM simulation checks them). */
  onServiceCall?: (call: ServiceCall) => void;
  /** Tests only: another workflow file (Tasks without a handler module need taskOverrides). Default: ASL_PATH. */
  aslPath?: string;
}

export interface LocalRunResult {
  status: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  /** When failed: the first failing state, its error name and cause. */
  error?: string;
  seconds: number;
  /** Step Functions history events this execution would have written (local/quotas.ts's model). */
  historyEvents: number;
  /** The largest state input or output seen, in bytes (against the 256 KB quota), in any execution. */
  largestPayloadBytes: number;
  /** What the schema migration before the run did (absent if it failed). */
  schema?: MigrationReport;
  /** Child executions the Distributed Maps started (each with its own history, as in AWS). */
  childExecutions: number;
  /** The most history events any one child execution wrote (each against the 25,000 quota). */
  largestChildHistoryEvents: number;
}

type Handler = (event: unknown) => Promise<unknown>;

/** State name → handler, for every Task state of the ASL. */
async function taskHandlers(aslPath: string): Promise<Record<string, Handler>> {
  const out: Record<string, Handler> = {};
  for (const task of aslTaskHandlers(aslPath)) {
    const mod = (await importHandlerModule(ROOT, task.handlerFile)) as { handler?: Handler };
    if (typeof mod.handler !== 'function') throw new Error(`${task.handlerFile} does not export a handler function.`);
    for (const state of task.states) out[state] = mod.handler;
  }
  return out;
}

/** What the runner needs to know about each Task state of the definition. */
interface TaskSpec {
  timeoutSeconds: number;
  /** Enclosing Map states, outermost first. */
  maps: string[];
  catchesDataLimit: boolean;
  retriesDataLimit: boolean;
}

interface AslState {
  Type: string;
  TimeoutSeconds?: number;
  Catch?: Array<{ ErrorEquals?: string[] }>;
  Retry?: Array<{ ErrorEquals?: string[] }>;
  Iterator?: { States: Record<string, AslState> };
  ItemProcessor?: { States: Record<string, AslState> };
  Branches?: Array<{ States: Record<string, AslState> }>;
}

/** The library's own Task timer cannot exceed setTimeout's range; the runner applies the ASL's value. */
const LIBRARY_TIMEOUT_CEILING_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/**
 * Collects every Task state (with its enclosing Maps) and hands the library a copy whose Task timers
 * never fire first: the runner applies each Task's TimeoutSeconds itself (AWS's default when absent,
 * where the library would use 60 s), so a test can also scale time.
 */
function taskSpecs(states: Record<string, AslState>, maps: string[] = [], out = new Map<string, TaskSpec>()): Map<string, TaskSpec> {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') {
      out.set(name, {
        timeoutSeconds: state.TimeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS,
        maps,
        catchesDataLimit: namesError(state.Catch, 'States.DataLimitExceeded'),
        retriesDataLimit: namesError(state.Retry, 'States.DataLimitExceeded'),
      });
      state.TimeoutSeconds = LIBRARY_TIMEOUT_CEILING_SECONDS;
    }
    const inner = state.Iterator ?? state.ItemProcessor;
    if (inner) taskSpecs(inner.States, state.Type === 'Map' ? [...maps, name] : maps, out);
    for (const branch of state.Branches ?? []) taskSpecs(branch.States, maps, out);
  }
  return out;
}

/**
 * A Task that would start inside a Map that has already failed (an iteration failed, so AWS stops
 * the Map's other iterations) or after the execution failed: it never runs. The library aborts a
 * failed Map's running iterations but still starts the queued ones; this stops them at the door.
 */
class StoppedError extends StatesServiceError {
  constructor(state: string, why: string) {
    super('States.Runtime', `${state} not started: ${why}`, false, false);
  }
}

const nextMacrotask = () => new Promise<void>((r) => setImmediate(r));

/** What every execution of one run shares: the root's and each Distributed Map child's. */
interface RunShared {
  quotas: StepFunctionsQuotas;
  tasks: Map<string, TaskSpec>;
  handlers: Record<string, Handler>;
  retryIntervalOverrides?: Record<string, number>;
  onEvent?: (event: StateEvent) => void;
  onServiceCall?: (call: ServiceCall) => void;
  /** Handler calls still running, in any execution: the run waits for them before it returns. */
  inFlight: Set<Promise<unknown>>;
  /** The machine of each (prepared) definition, built once: a Map run starts thousands of children. */
  machines: Map<object, StateMachine>;
  lake: () => Promise<ObjectStore>;
  localBuckets: ReadonlySet<string>;
  /** Child executions started, and the largest history any of them wrote. */
  children: { count: number; largestHistoryEvents: number };
  largestPayloadBytes: number;
}

interface ExecutionOutcome {
  status: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  /** Error name and cause, e.g. `States.Timeout: …`. */
  error?: string;
  /** The first state that failed, its error and cause (the root cause, for people). */
  firstError?: string;
  historyEvents: number;
}

export async function runLocalWorkflow(options: LocalRunOptions): Promise<LocalRunResult> {
  const quotas: StepFunctionsQuotas = { ...AWS_QUOTAS, ...options.quotas };
  // The handlers read their wiring from the environment, exactly as in Lambda.
  process.env.GRIDLAKE_MODE = 'local';
  process.env.GRIDLAKE_DATA_DIR = resolve(options.dataDir);
  process.env.GRIDLAKE_CONFIG = JSON.stringify(options.config ?? {});
  // DDL once, before any step (as the deploy's custom resource does in the cloud): local/migrate.ts.
  let schema: MigrationReport;
  try {
    schema = await migrateLocalWarehouse(process.env);
  } catch (e) {
    return { status: 'FAILED', error: `warehouse schema: ${(e as Error).message}`, seconds: 0, historyEvents: 0, largestPayloadBytes: 0, childExecutions: 0, largestChildHistoryEvents: 0 };
  }

  // Fill the ${…} substitutions as Step Functions does with DefinitionSubstitutions: Task resources
  // become ARNs (the Tasks are then served by the local handlers, so these are never called) and
  // buckets become names that stand for the local lake (every zone is one folder locally).
  const aslPath = options.aslPath ?? ASL_PATH;
  const localBuckets = new Set(aslBucketSubstitutions(aslPath).map(localBucketName));
  const text = readFileSync(aslPath, 'utf8').replace(/\$\{(\w+)\}/g, (_, name: string) =>
    name.endsWith('BucketName') ? localBucketName(name) : `arn:aws:lambda:local-1:000000000000:function:gridlake-${name}`,
  );
  const definition = JSON.parse(text) as StateMachineDefinition & { States: Record<string, AslState> };
  const tasks = taskSpecs(definition.States);
  const handlers = { ...(await taskHandlers(aslPath)), ...(options.taskOverrides ?? {}) };
  const retryIntervalOverrides =
    options.retryIntervalMs === undefined ? undefined : Object.fromEntries(Object.keys(handlers).map((s) => [s, options.retryIntervalMs!]));
  let lake: Promise<ObjectStore> | undefined;
  const shared: RunShared = {
    quotas,
    tasks,
    handlers,
    retryIntervalOverrides,
    onEvent: options.onEvent,
    onServiceCall: options.onServiceCall,
    inFlight: new Set(),
    machines: new Map(),
    // The local lake, as the handlers see it (built on first use: a run without a Distributed Map needs none).
    lake: () => (lake ??= import('../lambdas/ports/local-folder-store').then((m) => new m.LocalFolderStore(localPaths(options.dataDir).lake))),
    localBuckets,
    children: { count: 0, largestHistoryEvents: 0 },
    largestPayloadBytes: 0,
  };

  const started = Date.now();
  const outcome = await runExecution(definition, options.input, shared, { stopped: () => false });
  // A failed Map leaves iterations running in the background (neither Lambda nor the library can
  // stop a handler mid-call): wait for them, so the caller can close the warehouse safely.
  while (shared.inFlight.size > 0) await Promise.allSettled([...shared.inFlight]);
  return {
    status: outcome.status,
    seconds: (Date.now() - started) / 1000,
    historyEvents: outcome.historyEvents,
    largestPayloadBytes: shared.largestPayloadBytes,
    childExecutions: shared.children.count,
    largestChildHistoryEvents: shared.children.largestHistoryEvents,
    schema,
    ...(outcome.status === 'SUCCEEDED' ? { output: outcome.output } : { error: outcome.firstError ?? outcome.error }),
  };
}

/** The name a `${…BucketName}` substitution gets locally. */
function localBucketName(substitution: string): string {
  return `gridlake-local-${substitution.replace(/BucketName$/, '').toLowerCase()}`;
}

/**
 * One execution (the root, or a Distributed Map's child) with its own history, payload checks and
 * failure state. Distributed Maps inside it run their children through this same function.
 */
async function runExecution(
  definition: { StartAt: string; States: Record<string, AslState> },
  input: unknown,
  shared: RunShared,
  parent: { stopped: () => boolean; index?: number },
): Promise<ExecutionOutcome> {
  const { quotas } = shared;
  const history = new HistoryCounter(quotas.historyEvents);
  /** A quota the execution broke: it fails at once, no Catch runs (as in AWS). */
  let terminal: StatesServiceError | undefined;
  /** Maps with a failed iteration: their remaining iterations must not start work. */
  const failedMaps = new Set<string>();
  const stopped = () => terminal !== undefined || parent.stopped();

  try {
    assertPayload(input, { state: '(execution)', what: 'execution input' }, quotas);
  } catch (e) {
    return { status: 'FAILED', error: `${(e as Error).name}: ${(e as Error).message}`, historyEvents: 0 };
  }

  const prepared = prepareDefinition(definition, shared);
  const distributed = prepared.distributed;
  const guarded: Record<string, Handler> = {};
  for (const [state, handler] of Object.entries(shared.handlers)) {
    guarded[state] = guard(state, handler);
  }
  for (const [state, map] of distributed) {
    guarded[state] = guard(state, (mapInput) => runMap(state, map, mapInput), 'output');
  }

  function guard(state: string, handler: Handler, resultIs: 'task result' | 'output' = 'task result'): Handler {
    const spec = shared.tasks.get(state) ?? { timeoutSeconds: DEFAULT_TASK_TIMEOUT_SECONDS, maps: [], catchesDataLimit: false, retriesDataLimit: false };
    const limits = { state, catchable: spec.catchesDataLimit, retryable: spec.retriesDataLimit };
    return async (taskInput: unknown) => {
      // Let the event monitor see everything that happened before this Task was scheduled.
      await nextMacrotask();
      if (terminal) throw new StoppedError(state, 'the execution already failed');
      if (parent.stopped()) throw new StoppedError(state, 'its Map Run already failed');
      const stoppedMap = spec.maps.find((m) => failedMaps.has(m));
      if (stoppedMap) throw new StoppedError(state, `Map ${stoppedMap} already failed`);
      assertPayload(taskInput, { ...limits, what: 'input' }, quotas);
      const work = handler(taskInput);
      shared.inFlight.add(work);
      void work.then(
        () => shared.inFlight.delete(work),
        () => shared.inFlight.delete(work),
      );
      const result = await withTaskTimeout(work, state, spec.timeoutSeconds, quotas);
      assertPayload(result, { ...limits, what: resultIs }, quotas);
      return result;
    };
  }

  async function runMap(state: string, map: DistributedMapState, mapInput: unknown): Promise<unknown> {
    const processor = prepared.processors.get(state)!;
    const run = await runDistributedMap({
      name: state,
      state: map,
      input: mapInput,
      lake: await shared.lake(),
      localBuckets: shared.localBuckets,
      stopped,
      onServiceCall: shared.onServiceCall,
      onMapRun: (type) => {
        const over = history.add({ type });
        if (over) fail(over);
      },
      runChild: async (childInput, index, mapRunStopped) => {
        shared.children.count += 1;
        const child = await runExecution(processor, childInput, shared, { stopped: mapRunStopped, index });
        shared.children.largestHistoryEvents = Math.max(shared.children.largestHistoryEvents, child.historyEvents);
        if (child.status === 'SUCCEEDED') return { status: 'SUCCEEDED', output: child.output };
        const [error, ...cause] = (child.firstError ?? child.error ?? 'States.Runtime: failed').split(': ');
        return { status: 'FAILED', error: child.firstError ? `${error}: ${cause[0] ?? ''}` : error, cause: cause.slice(child.firstError ? 1 : 0).join(': ') };
      },
    });
    return run.output;
  }

  let machine = shared.machines.get(definition);
  if (!machine) {
    machine = new StateMachine(prepared.definition as StateMachineDefinition);
    shared.machines.set(definition, machine);
  }
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: guarded as never, retryIntervalOverrides: shared.retryIntervalOverrides },
  });
  function fail(error: StatesServiceError) {
    if (terminal) return;
    terminal = error;
    execution.abort();
  }
  let firstError: string | undefined;
  const events = (async () => {
    for await (const e of execution.eventLogs) {
      const ev = e as {
        type: string;
        timestamp: number;
        state?: { name: string; type?: string; input?: unknown; output?: unknown };
        parentState?: { name: string };
        index?: number;
        Error?: string;
        Cause?: unknown;
      };
      // A Distributed Map runs as a Task for the library; its history is a Map's (plus its Map Run's, added by runMap).
      const counted = ev.state && distributed.has(ev.state.name) ? { ...ev, state: { ...ev.state, type: 'Map' } } : ev;
      const overHistory = history.add(counted);
      if (overHistory) fail(overHistory);
      if (ev.type === 'MapIterationFailed' && ev.parentState) failedMaps.add(ev.parentState.name);
      if (ev.type === 'StateEntered' && ev.state?.type === 'Map') failedMaps.delete(ev.state.name);
      // Every state's input (after Parameters, for a Map iteration) and output, against the quota.
      for (const [what, value] of [['input', ev.state?.input], ['output', ev.state?.output]] as const) {
        if (value === undefined || !ev.state || (ev.type !== 'StateEntered' && ev.type !== 'StateExited')) continue;
        const bytes = payloadBytes(value);
        shared.largestPayloadBytes = Math.max(shared.largestPayloadBytes, bytes);
        try {
          assertPayload(value, { state: ev.state.name, what }, quotas);
        } catch (error) {
          fail(error as StatesServiceError);
        }
      }
      const kinds: Record<string, StateEvent['kind']> = { StateEntered: 'entered', StateExited: 'exited', StateFailed: 'failed', StateRetried: 'retried', StateCaught: 'caught' };
      const kind = kinds[ev.type];
      if (!kind || !ev.state) continue;
      // Work refused because its Map or the execution had already failed is not news.
      if (kind === 'failed' && String(causeText(ev.Cause)).includes(' not started: ')) continue;
      if (kind === 'failed' && ev.Error && ev.state.name !== 'Failed') {
        // A Map Run that failed because a child failed: the child's own first error is the root cause.
        firstError ??= `${ev.state.name}: ${ev.Error}: ${causeText(ev.Cause)}`;
      }
      shared.onEvent?.({
        kind,
        state: ev.state.name,
        index: ev.index ?? parent.index,
        input: ev.state.input,
        output: ev.state.output,
        error: ev.Error ? `${ev.Error}: ${causeText(ev.Cause)}` : undefined,
        at: ev.timestamp,
      });
    }
  })();
  let outcome: { output?: unknown; error?: unknown };
  try {
    outcome = { output: await execution.result };
  } catch (e) {
    outcome = { error: e };
  }
  await events.catch(() => undefined);
  if (terminal) return { status: 'FAILED', error: `${terminal.name}: ${terminal.message}`, historyEvents: history.events };
  if (outcome.error === undefined) return { status: 'SUCCEEDED', output: outcome.output, historyEvents: history.events };
  // The root cause (the first state that failed), not the Fail state's generic message.
  return { status: 'FAILED', error: (outcome.error as Error).message, firstError, historyEvents: history.events };
}

interface PreparedDefinition {
  /** The definition the library runs: Distributed Maps replaced by Tasks, Task timers lifted. */
  definition: { StartAt: string; States: Record<string, AslState> };
  /** This level's Distributed Map states, by name. */
  distributed: Map<string, DistributedMapState>;
  /** Each Distributed Map's ItemProcessor, as a definition of its own (its children run it). */
  processors: Map<string, { StartAt: string; States: Record<string, AslState> }>;
}

const preparedCache = new WeakMap<object, PreparedDefinition>();

/** The library's view of one execution's definition (cached: children of a Map share it). */
function prepareDefinition(definition: { StartAt: string; States: Record<string, AslState> }, shared: RunShared): PreparedDefinition {
  const cached = preparedCache.get(definition);
  if (cached) return cached;
  const distributed = new Map<string, DistributedMapState>();
  const processors = new Map<string, { StartAt: string; States: Record<string, AslState> }>();
  const states: Record<string, AslState> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (isDistributedMap(state as AslStateLike)) {
      const map = state as unknown as DistributedMapState;
      distributed.set(name, map);
      processors.set(name, { StartAt: map.ItemProcessor.StartAt, States: map.ItemProcessor.States as Record<string, AslState> });
      states[name] = distributedMapAsTask(name, map, LIBRARY_TIMEOUT_CEILING_SECONDS) as unknown as AslState;
      if (!shared.tasks.has(name)) shared.tasks.set(name, { timeoutSeconds: DEFAULT_TASK_TIMEOUT_SECONDS, maps: [], catchesDataLimit: namesError(state.Catch, 'States.DataLimitExceeded'), retriesDataLimit: namesError(state.Retry, 'States.DataLimitExceeded') });
    } else states[name] = state;
  }
  const prepared = { definition: { ...definition, States: states }, distributed, processors };
  preparedCache.set(definition, prepared);
  return prepared;
}

/** A failed state's Cause: text, an Error (its message), or JSON. */
function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause);
}
