/**
 * The one mapping from the workflow definition to Lambda handlers, derived from the ASL file by
 * convention so there is never a second list to keep in sync: a substitution `${CollectFunctionArn}`
 * is served by `lambdas/handlers/collect.ts`, `${NotifyFailureFunctionArn}` by
 * `lambdas/handlers/notify-failure.ts` (PascalCase minus `FunctionArn`, to kebab-case).
 * Used by the CDK pipeline construct and by the local runner.
 */
import { readFileSync } from 'node:fs';

export interface AslTaskHandler {
  /** The ASL substitution name, e.g. `CollectFunctionArn`. */
  substitution: string;
  /** The handler module, relative to the repository root, e.g. `lambdas/handlers/collect.ts`. */
  handlerFile: string;
  /** Kebab-case step name, e.g. `collect`, `notify-failure`. */
  name: string;
  /** Names of the Task states that use this substitution as their Resource. */
  states: string[];
  /** Largest `TimeoutSeconds` of those states (the Lambda timeout should not exceed it); undefined if none set. */
  timeoutSeconds?: number;
}

const SUBSTITUTION = /\$\{(\w+)\}/g;
const FUNCTION_ARN_SUFFIX = 'FunctionArn';
/**
 * `${…BucketName}`: the bucket a Distributed Map's ItemReader reads or its ResultWriter writes
 * (e.g. `${CuratedBucketName}` → the lake's curated bucket). Not a Task: the CDK stack substitutes
 * the bucket's name, the local runner its local lake.
 */
const BUCKET_NAME_SUFFIX = 'BucketName';

/** Every `${…BucketName}` substitution of the ASL file, e.g. `CuratedBucketName`. */
export function aslBucketSubstitutions(aslPath: string): string[] {
  const text = readFileSync(aslPath, 'utf8');
  return [...new Set([...text.matchAll(SUBSTITUTION)].map((m) => m[1]!).filter((n) => n.endsWith(BUCKET_NAME_SUFFIX) && n !== BUCKET_NAME_SUFFIX))];
}

export class AslTaskError extends Error {
  override readonly name = 'AslTaskError';
}

/** `NotifyFailure` → `notify-failure`. */
export function kebabCase(pascal: string): string {
  return pascal
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

/** Every `${…}FunctionArn` substitution of the ASL file with its handler, in order of first appearance. */
export function aslTaskHandlers(aslPath: string): AslTaskHandler[] {
  const text = readFileSync(aslPath, 'utf8');
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch (e) {
    throw new AslTaskError(`${aslPath} is not valid JSON (${(e as Error).message}): fix the workflow definition.`);
  }

  const byName = new Map<string, AslTaskHandler>();
  for (const match of text.matchAll(SUBSTITUTION)) {
    const substitution = match[1]!;
    if (byName.has(substitution) || (substitution.endsWith(BUCKET_NAME_SUFFIX) && substitution !== BUCKET_NAME_SUFFIX)) continue;
    if (!substitution.endsWith(FUNCTION_ARN_SUFFIX) || substitution === FUNCTION_ARN_SUFFIX) {
      throw new AslTaskError(
        `${aslPath}: substitution \${${substitution}} does not end in "${FUNCTION_ARN_SUFFIX}"; ` +
          `name Lambda resources \${<Step>FunctionArn} so they map to lambdas/handlers/<step>.ts (buckets: \${<Zone>BucketName}).`,
      );
    }
    const name = kebabCase(substitution.slice(0, -FUNCTION_ARN_SUFFIX.length));
    byName.set(substitution, { substitution, handlerFile: `lambdas/handlers/${name}.ts`, name, states: [] });
  }

  // Walk every state (also inside Map iterators / Parallel branches) to attach state names and timeouts.
  visitStates(definition, (stateName, state) => {
    const resource = typeof state.Resource === 'string' ? state.Resource : '';
    const m = /^\$\{(\w+)\}$/.exec(resource);
    const task = m ? byName.get(m[1]!) : undefined;
    if (!task) return;
    task.states.push(stateName);
    if (typeof state.TimeoutSeconds === 'number') {
      task.timeoutSeconds = Math.max(task.timeoutSeconds ?? 0, state.TimeoutSeconds);
    }
  });
  return [...byName.values()];
}

type State = Record<string, unknown>;

function visitStates(machine: unknown, visit: (name: string, state: State) => void): void {
  if (!machine || typeof machine !== 'object') return;
  const states = (machine as { States?: Record<string, State> }).States;
  if (!states) return;
  for (const [name, state] of Object.entries(states)) {
    visit(name, state);
    visitStates(state.Iterator ?? state.ItemProcessor, visit);
    if (Array.isArray(state.Branches)) for (const b of state.Branches) visitStates(b, visit);
  }
}
