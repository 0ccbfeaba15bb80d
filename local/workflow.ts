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
import { aslTaskHandlers } from '../lib/asl-tasks';
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
  /** The largest state input or output seen, in bytes (against the 256 KB quota). */
  largestPayloadBytes: number;
  /** What the schema migration before the run did (absent if it failed). */
  schema?: MigrationReport;
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
    return { status: 'FAILED', error: `warehouse schema: ${(e as Error).message}`, seconds: 0, historyEvents: 0, largestPayloadBytes: 0 };
  }

  // Fill the ${…} substitutions as Step Functions does with DefinitionSubstitutions; the Task
  // states are then overridden by the local handlers, so these ARNs are never called.
  const aslPath = options.aslPath ?? ASL_PATH;
  const text = readFileSync(aslPath, 'utf8').replace(/\$\{(\w+)\}/g, (_, name: string) => `arn:aws:lambda:local-1:000000000000:function:gridlake-${name}`);
  const definition = JSON.parse(text) as StateMachineDefinition & { States: Record<string, AslState> };
  const tasks = taskSpecs(definition.States);
  const machine = new StateMachine(definition);
  const handlers = { ...(await taskHandlers(aslPath)), ...(options.taskOverrides ?? {}) };
  const retryIntervalOverrides =
    options.retryIntervalMs === undefined ? undefined : Object.fromEntries(Object.keys(handlers).map((s) => [s, options.retryIntervalMs!]));

  const started = Date.now();
  const history = new HistoryCounter(quotas.historyEvents);
  let largestPayloadBytes = 0;
  /** A quota the execution broke: it fails at once, no Catch runs (as in AWS). */
  let terminal: StatesServiceError | undefined;
  /** Maps with a failed iteration: their remaining iterations must not start work. */
  const failedMaps = new Set<string>();
  /** Handler calls still running: a failed run waits for them, so nothing works on after it returns. */
  const inFlight = new Set<Promise<unknown>>();
  const done = (status: LocalRunResult['status'], extra: Partial<LocalRunResult>): LocalRunResult => ({
    status,
    seconds: (Date.now() - started) / 1000,
    historyEvents: history.events,
    largestPayloadBytes,
    schema,
    ...extra,
  });

  try {
    assertPayload(options.input, { state: '(execution)', what: 'execution input' }, quotas);
  } catch (e) {
    return done('FAILED', { error: `${(e as Error).name}: ${(e as Error).message}` });
  }

  const guarded = Object.fromEntries(
    Object.entries(handlers).map(([state, handler]) => {
      const spec = tasks.get(state) ?? { timeoutSeconds: DEFAULT_TASK_TIMEOUT_SECONDS, maps: [], catchesDataLimit: false, retriesDataLimit: false };
      const limits = { state, catchable: spec.catchesDataLimit, retryable: spec.retriesDataLimit };
      return [
        state,
        async (input: unknown) => {
          // Let the event monitor see everything that happened before this Task was scheduled.
          await nextMacrotask();
          if (terminal) throw new StoppedError(state, 'the execution already failed');
          const stoppedMap = spec.maps.find((m) => failedMaps.has(m));
          if (stoppedMap) throw new StoppedError(state, `Map ${stoppedMap} already failed`);
          assertPayload(input, { ...limits, what: 'input' }, quotas);
          const work = handler(input);
          inFlight.add(work);
          void work.then(
            () => inFlight.delete(work),
            () => inFlight.delete(work),
          );
          const result = await withTaskTimeout(work, state, spec.timeoutSeconds, quotas);
          assertPayload(result, { ...limits, what: 'task result' }, quotas);
          return result;
        },
      ];
    }),
  );

  const execution = machine.run(options.input as never, {
    overrides: { taskResourceLocalHandlers: guarded as never, retryIntervalOverrides },
  });
  const fail = (error: StatesServiceError) => {
    if (terminal) return;
    terminal = error;
    execution.abort();
  };
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
      const overHistory = history.add(ev);
      if (overHistory) fail(overHistory);
      if (ev.type === 'MapIterationFailed' && ev.parentState) failedMaps.add(ev.parentState.name);
      if (ev.type === 'StateEntered' && ev.state?.type === 'Map') failedMaps.delete(ev.state.name);
      // Every state's input (after Parameters, for a Map iteration) and output, against the quota.
      for (const [what, value] of [['input', ev.state?.input], ['output', ev.state?.output]] as const) {
        if (value === undefined || !ev.state || (ev.type !== 'StateEntered' && ev.type !== 'StateExited')) continue;
        const bytes = payloadBytes(value);
        largestPayloadBytes = Math.max(largestPayloadBytes, bytes);
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
      if (kind === 'failed' && String(ev.Cause ?? '').includes(' not started: ')) continue;
      if (kind === 'failed' && ev.Error && ev.state.name !== 'Failed') {
        firstError ??= `${ev.state.name}: ${ev.Error}: ${causeText(ev.Cause)}`;
      }
      options.onEvent?.({
        kind,
        state: ev.state.name,
        index: ev.index,
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
  // A failed Map leaves iterations running in the background (neither Lambda nor the library can
  // stop a handler mid-call): wait for them, so the caller can close the warehouse safely.
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  if (terminal) {
    return done('FAILED', { error: `${terminal.name}: ${terminal.message}` });
  }
  if (outcome.error === undefined) return done('SUCCEEDED', { output: outcome.output });
  // The root cause (the first state that failed), not the Fail state's generic message.
  return done('FAILED', { error: firstError ?? (outcome.error as Error).message });
}

/** A failed state's Cause: text, an Error (its message), or JSON. */
function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause);
}
