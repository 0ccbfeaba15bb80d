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
}

export interface LocalRunResult {
  status: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  /** When failed: the first failing state, its error name and cause. */
  error?: string;
  seconds: number;
}

type Handler = (event: unknown) => Promise<unknown>;

/** State name → handler, for every Task state of the ASL. */
async function taskHandlers(): Promise<Record<string, Handler>> {
  const out: Record<string, Handler> = {};
  for (const task of aslTaskHandlers(ASL_PATH)) {
    const mod = (await importHandlerModule(ROOT, task.handlerFile)) as { handler?: Handler };
    if (typeof mod.handler !== 'function') throw new Error(`${task.handlerFile} does not export a handler function.`);
    for (const state of task.states) out[state] = mod.handler;
  }
  return out;
}

export async function runLocalWorkflow(options: LocalRunOptions): Promise<LocalRunResult> {
  // The handlers read their wiring from the environment, exactly as in Lambda.
  process.env.GRIDLAKE_MODE = 'local';
  process.env.GRIDLAKE_DATA_DIR = resolve(options.dataDir);
  process.env.GRIDLAKE_CONFIG = JSON.stringify(options.config ?? {});

  // Fill the ${…} substitutions as Step Functions does with DefinitionSubstitutions; the Task
  // states are then overridden by the local handlers, so these ARNs are never called.
  const text = readFileSync(ASL_PATH, 'utf8').replace(/\$\{(\w+)\}/g, (_, name: string) => `arn:aws:lambda:local-1:000000000000:function:gridlake-${name}`);
  const definition = JSON.parse(text) as StateMachineDefinition;
  const machine = new StateMachine(definition);
  const handlers = { ...(await taskHandlers()), ...(options.taskOverrides ?? {}) };
  const retryIntervalOverrides =
    options.retryIntervalMs === undefined ? undefined : Object.fromEntries(Object.keys(handlers).map((s) => [s, options.retryIntervalMs!]));

  const started = Date.now();
  const execution = machine.run(options.input as never, {
    overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides },
  });
  let firstError: string | undefined;
  const events = (async () => {
    for await (const e of execution.eventLogs) {
      const ev = e as { type: string; timestamp: number; state?: { name: string; input?: unknown; output?: unknown }; index?: number; Error?: string; Cause?: unknown };
      const kinds: Record<string, StateEvent['kind']> = { StateEntered: 'entered', StateExited: 'exited', StateFailed: 'failed', StateRetried: 'retried', StateCaught: 'caught' };
      const kind = kinds[ev.type];
      if (!kind || !ev.state) continue;
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
  try {
    const output = await execution.result;
    await events;
    return { status: 'SUCCEEDED', output, seconds: (Date.now() - started) / 1000 };
  } catch (e) {
    await events.catch(() => undefined);
    // The root cause (the first state that failed), not the Fail state's generic message.
    return { status: 'FAILED', error: firstError ?? (e as Error).message, seconds: (Date.now() - started) / 1000 };
  }
}

/** A failed state's Cause: text, an Error (its message), or JSON. */
function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause);
}
