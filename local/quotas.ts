/**
 * Step Functions quotas, enforced by the local runner (local/workflow.ts) so that a workflow that
 * AWS would stop fails here first. Each rule cites its AWS page.
 *
 * - Payload: "Maximum input or output size for a task, state, or execution: 256 KiB of data as a
 *   UTF-8 encoded string" — https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 *   (and https://docs.aws.amazon.com/step-functions/latest/dg/avoid-exec-failures.html: 262,144 bytes).
 *   Breaking it raises `States.DataLimitExceeded` when a task's result, a state's output, or a state's
 *   input after `Parameters` is too large. It is a *terminal* error: `States.ALL` does not catch it
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html), so only a
 *   Catch/Retry that names `States.DataLimitExceeded` itself can handle it.
 * - History: "Maximum execution history size: 25,000 events in a single state machine execution
 *   history" (service-quotas.html). At event 25,000, if it is not ExecutionSucceeded, the execution
 *   fails (https://docs.aws.amazon.com/step-functions/latest/dg/bp-history-limit.html); no Catch runs.
 * - Task timeout: `TimeoutSeconds` of a Task, `States.Timeout` when it elapses, default 99999999 s
 *   when absent (https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html). The local
 *   library applies a 60 s default to a Task without one; the runner applies the ASL's own value.
 *
 * The API is small on purpose (the Distributed Map runner will reuse it): `payloadBytes`,
 * `assertPayload`, `historyEventsOf` + `HistoryCounter`, `withTaskTimeout`, and the error classes.
 */

/** The values AWS applies. Tests may pass smaller ones (LocalRunOptions.quotas); production never does. */
export interface StepFunctionsQuotas {
  /** Largest state input/output/task result, in UTF-8 bytes of its JSON. AWS: 262,144. */
  payloadBytes: number;
  /** Events in one execution's history. AWS: 25,000. */
  historyEvents: number;
  /**
   * Milliseconds of wall time per ASL second of a Task's TimeoutSeconds. AWS: 1000. Tests shrink it
   * to prove a timeout fires without waiting for it.
   */
  msPerTimeoutSecond: number;
}

export const AWS_QUOTAS: Readonly<StepFunctionsQuotas> = Object.freeze({ payloadBytes: 262_144, historyEvents: 25_000, msPerTimeoutSecond: 1000 });

/** Task `TimeoutSeconds` when the state sets none (state-task.html). */
export const DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;

/** UTF-8 bytes of a value's JSON, as Step Functions measures payloads. `undefined` travels as null. */
export function payloadBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
}

/**
 * An error the Step Functions service raises itself (name `States.*`). `isCatchable`/`isRetryable`
 * are read by aws-local-stepfunctions' Retry/Catch matching (its RuntimeError contract).
 */
export class StatesServiceError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly isCatchable = true,
    readonly isRetryable = true,
  ) {
    super(message);
  }
}

/** `States.DataLimitExceeded`: catchable only by a Catch that names it (see the module doc). */
export class DataLimitExceededError extends StatesServiceError {
  constructor(
    readonly state: string,
    readonly what: 'input' | 'output' | 'task result' | 'execution input',
    readonly bytes: number,
    readonly limit: number,
    namedByCatch = false,
    namedByRetry = false,
  ) {
    super(
      'States.DataLimitExceeded',
      `The ${what} of state ${state} is ${bytes.toLocaleString('en-US')} bytes, over the Step Functions limit of ` +
        `${limit.toLocaleString('en-US')} bytes (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). ` +
        'Pass S3 keys and counts between states, not data.',
      namedByCatch,
      namedByRetry,
    );
  }
}

/** The history quota: the execution fails, nothing catches it. */
export class HistoryLimitExceededError extends StatesServiceError {
  constructor(readonly events: number, readonly limit: number) {
    super(
      'States.Runtime',
      `The execution reached ${events.toLocaleString('en-US')} history events, the Step Functions maximum of ` +
        `${limit.toLocaleString('en-US')} (https://docs.aws.amazon.com/step-functions/latest/dg/bp-history-limit.html): ` +
        'split the work across executions (fewer dates per execution, or a Distributed Map).',
      false,
      false,
    );
  }
}

/** `States.Timeout` for a Task whose TimeoutSeconds elapsed: Retry and Catch handle it like any error. */
export class TaskTimeoutError extends StatesServiceError {
  constructor(readonly state: string, readonly timeoutSeconds: number) {
    super('States.Timeout', `Task ${state} did not finish within its TimeoutSeconds (${timeoutSeconds} s).`);
  }
}

/** Does a Retry or Catch list name this error explicitly (not through States.ALL)? */
export function namesError(rules: Array<{ ErrorEquals?: string[] }> | undefined, error: string): boolean {
  return (rules ?? []).some((r) => (r.ErrorEquals ?? []).includes(error));
}

/** Throws States.DataLimitExceeded when `value` is over the payload quota. */
export function assertPayload(
  value: unknown,
  where: { state: string; what: DataLimitExceededError['what']; catchable?: boolean; retryable?: boolean },
  quotas: StepFunctionsQuotas,
): void {
  const bytes = payloadBytes(value);
  if (bytes > quotas.payloadBytes) {
    throw new DataLimitExceededError(where.state, where.what, bytes, quotas.payloadBytes, where.catchable ?? false, where.retryable ?? false);
  }
}

/** The subset of an aws-local-stepfunctions event log entry the history model reads. */
export interface RunnerEvent {
  type: string;
  state?: { name: string; type?: string };
}

/**
 * How many Step Functions history events one runner event stands for. The history event types are
 * those of https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html:
 *
 * | runner event          | Task (Lambda resource)                                  | Map / Parallel                       | Pass, Choice, Wait, Succeed | Fail |
 * |-----------------------|---------------------------------------------------------|--------------------------------------|-----------------------------|------|
 * | StateEntered          | 3: TaskStateEntered, LambdaFunctionScheduled, …Started  | 2: MapStateEntered, MapStateStarted  | 1: …StateEntered            | 1    |
 * | StateExited           | 2: LambdaFunctionSucceeded, TaskStateExited             | 2: MapStateSucceeded, MapStateExited | 1: …StateExited             | –    |
 * | StateFailed           | 1: LambdaFunctionFailed (or …TimedOut)                  | 1: MapStateFailed                    | 0                           | 0    |
 * | StateRetried          | 2: LambdaFunctionScheduled, …Started (the next attempt) | 1: MapStateStarted (the next attempt)| 0                           | 0    |
 * | StateCaught           | 1: TaskStateExited (towards the Catch's Next)           | 1: MapStateExited                    | 0                           | 0    |
 * | MapIterationStarted / Succeeded / Failed | 1 each: MapIterationStarted, MapIterationSucceeded, MapIterationFailed |
 * | ExecutionStarted / Succeeded / Failed (root) | 1 each |
 * | MapRunStarted / Succeeded / Failed (a Distributed Map's run, in the parent's history) | 1 each |
 *
 * So a Lambda Task that succeeds first time costs 5 events, each retry 3 more (Failed, Scheduled,
 * Started), a Map 4 plus 2 per iteration — the figures of the cloud review (section D).
 */
export function historyEventsOf(event: RunnerEvent): number {
  const type = event.state?.type;
  const task = type === 'Task';
  const container = type === 'Map' || type === 'Parallel';
  switch (event.type) {
    case 'ExecutionStarted':
    case 'ExecutionSucceeded':
    case 'ExecutionFailed':
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed':
    case 'ParallelBranchStarted':
    case 'ParallelBranchSucceeded':
    case 'ParallelBranchFailed':
    case 'MapRunStarted':
    case 'MapRunSucceeded':
    case 'MapRunFailed':
      return 1;
    case 'StateEntered':
      return task ? 3 : container ? 2 : 1;
    case 'StateExited':
      return task || container ? 2 : type === 'Fail' ? 0 : 1;
    case 'StateFailed':
      return task || container ? 1 : 0;
    case 'StateRetried':
      return task ? 2 : container ? 1 : 0;
    case 'StateCaught':
      return task || container ? 1 : 0;
    default:
      return 0;
  }
}

/** Counts one execution's history; `add` returns the error once the quota is passed. */
export class HistoryCounter {
  private total = 0;
  constructor(private readonly limit: number) {}

  get events(): number {
    return this.total;
  }

  /**
   * Adds an event. Event number `limit` may only be the final success (bp-history-limit.html), so
   * the execution fails when it reaches `limit` events on anything else.
   */
  add(event: RunnerEvent): HistoryLimitExceededError | undefined {
    this.total += historyEventsOf(event);
    const finalSuccess = event.type === 'ExecutionSucceeded' && this.total <= this.limit;
    return this.total >= this.limit && !finalSuccess ? new HistoryLimitExceededError(this.total, this.limit) : undefined;
  }
}

/**
 * Runs a Task's work under its TimeoutSeconds: rejects with States.Timeout when it elapses (the work
 * itself is not interrupted, as a Lambda would be; the caller keeps its promise to wait for it).
 */
export function withTaskTimeout<T>(work: Promise<T>, state: string, timeoutSeconds: number, quotas: StepFunctionsQuotas): Promise<T> {
  // setTimeout holds at most 2^31-1 ms (~24.8 days); a longer timeout is no timeout for a local run.
  const ms = timeoutSeconds * quotas.msPerTimeoutSecond;
  if (ms > 2 ** 31 - 1) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TaskTimeoutError(state, timeoutSeconds)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
