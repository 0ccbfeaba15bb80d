/**
 * IAM, evaluated offline by AWS's own reference data: the stack is synthesized, a small local
 * workflow run (2 dates, the default sources plus an imported meter CSV) records every port
 * operation each Task state makes, lambdas/ports/iam-actions.ts turns each into the AWS requests the
 * cloud adapters send (action + resource), and @cloud-copilot/iam-simulate evaluates every request
 * against the synthesized policies of the function that runs that Task state. The custom resources'
 * SDK calls, the schema custom resource's migration calls (recorded from the real runner, signed in
 * as the admin secret) and the COPY role's reads are simulated too. Every request must be Allowed;
 * the pipeline's functions sign in with GetCredentials and must NOT be able to read the admin secret.
 *
 * What this cannot see: service-side checks that are not IAM (Redshift grants inside the database,
 * KMS grants, SCPs of the target account), and calls made only on paths the run does not take
 * (declared anyway where the adapter always may make them: CancelStatement, AbortMultipartUpload).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { isWildcardOnlyAction } from '@cloud-copilot/iam-simulate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aslTaskHandlers, kebabCase } from '../../lib/asl-tasks';
import { GridlakeStack } from '../../lib/gridlake-stack';
import { stageConfig } from '../../lib/stage-config';
import { parseConfig } from '../../lambdas/config';
import {
  copyRoleCalls,
  notifierCalls,
  objectStoreCalls,
  SECRETS_READ_AT_START,
  secretCalls,
  unloadRoleCalls,
  warehouseStatementCalls,
  warehouseTransactionCalls,
  type IamCall,
  type WarehouseAuth,
} from '../../lambdas/ports/iam-actions';
import { DuckDbWarehouse } from '../../lambdas/ports/duckdb-warehouse';
import { migrateWarehouse } from '../../lambdas/schema/warehouse-schema';
import { closeLocalPorts, localPorts } from '../../lambdas/ports/local-ports';
import { isCopy, isUnload } from '../../lambdas/ports/warehouse';
import { importMeters } from '../../lambdas/sources/meters/index';
import { silentLog } from '../../lambdas/steps/ports';
import { runLocalWorkflow, ASL_PATH, ROOT } from '../../local/workflow';
import type { ServiceCall } from '../../local/distributed-map';
import { inState, PortRecorder, type RecordedOperation } from './recording-ports';
import { simulate } from './simulate';
import { ACCOUNT, functionsOf, REGION, TemplateResolver, type TemplateFunction } from './template';

const CONFIG = { simulator: { meters: 6 }, market: { symbols: ['SPY'] } };
const DATES = { from: '2026-11-01', to: '2026-11-02' };

let outdir: string;
let dataDir: string;
let csvDir: string;
let t: TemplateResolver;
let functions: TemplateFunction[];
/** Where the dashboard sign-in check (Lambda@Edge) reads its configuration: baked into its bundle at synth. */
let signInSecretName: string;
/** Task state name → the function (template) that runs it. */
const stateFunction = new Map<string, TemplateFunction>();
const recorder = new PortRecorder();
let runError: string | undefined;
/** What Step Functions itself requested for the Distributed Maps, with the state machine's role. */
const serviceCalls: ServiceCall[] = [];
let failedRunStatus: string | undefined;

beforeAll(async () => {
  process.env.CDK_VALIDATION = 'false';
  outdir = mkdtempSync(join(tmpdir(), 'gridlake-iam-cdk-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  // Slack and the live market API on: their secrets are read at start (notifying functions, collect),
  // so those reads are simulated too. (The local run itself collects the market simulator.)
  const stack = new GridlakeStack(app, 'GridlakeIam', { stage: stageConfig('dev', { dev: { slackWebhook: true, marketApi: true, evApi: true } }), projectRoot: ROOT });
  // Every stack of the app (a Lambda@Edge function lives in a us-east-1 stack of its own), read as one.
  const assembly = app.synth();
  expect(assembly.getStackByName(stack.stackName)).toBeDefined();
  t = new TemplateResolver(Object.assign({}, ...assembly.stacks.map((s) => s.template.Resources ?? {})));
  signInSecretName = stack.site.signIn!.configLocation.secretId;
  functions = functionsOf(t);

  // The state machine's substitutions name the function of every Task state (lib/asl-tasks.ts).
  const [, machine] = t.ofType('AWS::StepFunctions::StateMachine')[0]!;
  const substitutions = machine.Properties!.DefinitionSubstitutions as Record<string, unknown>;
  for (const task of aslTaskHandlers(ASL_PATH)) {
    const fn = functions.find((f) => f.id === TemplateResolver.target(substitutions[task.substitution]));
    if (!fn) throw new Error(`No function in the template for ${task.substitution}`);
    for (const state of task.states) stateFunction.set(state, fn);
  }

  // The local run, recorded. The ports of this data dir are the ones every handler receives.
  dataDir = mkdtempSync(join(tmpdir(), 'gridlake-iam-run-'));
  csvDir = mkdtempSync(join(tmpdir(), 'gridlake-iam-csv-'));
  const ports = await localPorts({ dataDir, config: parseConfig(CONFIG), log: silentLog });
  // Real meter data arrives in landing/ (collect copies it to raw/ and deletes it there).
  const csv = join(csvDir, 'meters.csv');
  const readings = Array.from({ length: 48 }, (_, i) => `M1,2026-11-01 ${String(i >> 1).padStart(2, '0')}:${i % 2 ? '30' : '00'}:00,0.4`);
  writeFileSync(csv, ['meter_id,timestamp,kwh', ...readings].join('\n') + '\n');
  await importMeters(csv, { timezone: 'Europe/London' }, ports);
  // A result file left from an earlier run that today's result set no longer has (analyze removes it).
  await ports.lake.put('results/latest/customers/no-longer-in-the-window.json', '{}');
  recorder.install(ports);

  const taskOverrides: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const task of aslTaskHandlers(ASL_PATH)) {
    const mod = (await import(join(ROOT, task.handlerFile))) as { handler: (e: unknown) => Promise<unknown> };
    for (const state of task.states) taskOverrides[state] = (input) => inState(state, () => mod.handler(input));
  }
  const result = await runLocalWorkflow({ dataDir, input: DATES, config: CONFIG, retryIntervalMs: 0, taskOverrides, onServiceCall: (c) => serviceCalls.push(c) });
  runError = result.status === 'SUCCEEDED' ? undefined : (result.error ?? 'failed');
  // The failure path too: a Load that fails sends the run through NotifyFailure (marks it failed, notifies).
  const failing = await runLocalWorkflow({
    dataDir,
    input: { date: '2026-11-03' },
    config: CONFIG,
    retryIntervalMs: 0,
    taskOverrides: { ...taskOverrides, Load: () => inState('Load', () => Promise.reject(Object.assign(new Error('injected load failure'), { name: 'InjectedFailure' }))) },
  });
  failedRunStatus = failing.status;

  // The schema custom resource: the real migration runner on a new warehouse (DuckDB standing in for
  // Redshift; the port operations are what the Data API adapter turns into requests), recorded.
  const schemaWarehouse = await DuckDbWarehouse.open(':memory:');
  try {
    await inState(SCHEMA_STATE, () => migrateWarehouse(recorder.wrapWarehouse(schemaWarehouse)));
  } finally {
    await schemaWarehouse.close();
  }
}, 240_000);

/** The recorder's label for the schema custom resource's operations (not a Task state). */
const SCHEMA_STATE = 'Custom::GridlakeSchema';
/** The schema custom resource signs in with the admin secret of its AdminSecretArn property. */
const ADMIN_AUTH: WarehouseAuth = { type: 'secret', variable: 'ADMIN_SECRET_ARN' };

/** The migration function behind the schema custom resource's provider, and the environment its calls resolve against. */
function schemaFunction(): { resourceId: string; framework: TemplateFunction; fn: TemplateFunction; env: Record<string, string> } {
  const [resourceId, schema] = t.ofType('Custom::GridlakeSchema')[0]!;
  const framework = functions.find((f) => f.id === TemplateResolver.target(schema.Properties!.ServiceToken))!;
  const fnId = TemplateResolver.target(t.resources[framework.id]!.Properties!.Environment.Variables.USER_ON_EVENT_FUNCTION_ARN)!;
  const fn = functions.find((f) => f.id === fnId)!;
  const props = t.value(schema.Properties!);
  return { resourceId, framework, fn, env: { REDSHIFT_WORKGROUP: props.WorkgroupName, ADMIN_SECRET_ARN: props.AdminSecretArn } };
}

afterAll(async () => {
  if (dataDir) await closeLocalPorts(dataDir);
  for (const d of [outdir, dataDir, csvDir]) if (d) rmSync(d, { recursive: true, force: true });
});

/** The AWS requests behind one recorded port operation. */
function callsOf(op: RecordedOperation): IamCall[] {
  switch (op.port) {
    case 'lake':
    case 'site':
      return objectStoreCalls(op.port, op.operation, op.key);
    case 'warehouse':
      return op.operation === 'transaction' ? warehouseTransactionCalls(op.items) : warehouseStatementCalls(op.operation);
    case 'notifier':
      return notifierCalls();
  }
}

interface Check {
  who: string;
  call: IamCall;
  roleId: string;
  /** The role session's name (the function name), part of aws:userid. */
  sessionName: string;
  env: Record<string, string>;
}

/** The resolved ARN of a declared resource, for the function whose environment names it. */
function arnOf(check: Check): { resource: string; validateAs?: string; resourceType?: 'AWS::S3::Bucket' | 'AWS::SNS::Topic' | 'AWS::KMS::Key'; resourceId?: string; context: Record<string, string> } {
  const { resource } = check.call;
  const env = (variable: string) => {
    const v = check.env[variable];
    if (!v) throw new Error(`${check.who}: ${check.call.request} needs ${variable}, which the function's environment does not set.`);
    return v;
  };
  const workgroupArn = () => {
    const id = t.findBy('AWS::RedshiftServerless::Workgroup', env('REDSHIFT_WORKGROUP'));
    if (!id) throw new Error(`${check.who}: no workgroup named ${check.env.REDSHIFT_WORKGROUP} in the template.`);
    return t.getAtt(id, 'Workgroup.WorkgroupArn');
  };
  switch (resource.type) {
    case 'object':
    case 'bucket': {
      const bucket = env(resource.bucketVariable);
      const id = t.findBy('AWS::S3::Bucket', bucket);
      const arn = resource.type === 'object' ? `arn:aws:s3:::${bucket}/${resource.key}` : `arn:aws:s3:::${bucket}`;
      return { resource: arn, resourceType: 'AWS::S3::Bucket', resourceId: id, context: resource.type === 'bucket' && resource.prefix !== undefined ? { 's3:prefix': resource.prefix } : {} };
    }
    case 'workgroup':
      return { resource: workgroupArn(), context: {} };
    case 'statement':
      return { resource: '*', context: { 'redshift-data:statement-owner-iam-userid': '${self}' } };
    case 'session':
      return { resource: 'none', validateAs: workgroupArn(), context: { 'redshift-data:session-owner-iam-userid': '${self}' } };
    case 'secret':
      return { resource: env(resource.variable), context: {} };
    case 'topic': {
      const arn = env('ALERT_TOPIC_ARN');
      return { resource: arn, resourceType: 'AWS::SNS::Topic', resourceId: t.findBy('AWS::SNS::Topic', arn), context: {} };
    }
    case 'topic-key': {
      const topicId = t.findBy('AWS::SNS::Topic', env('ALERT_TOPIC_ARN'))!;
      const keyArn = t.value(t.resources[topicId]!.Properties!.KmsMasterKeyId) as string;
      return { resource: keyArn, resourceType: 'AWS::KMS::Key', resourceId: t.findBy('AWS::KMS::Key', keyArn, (id) => t.getAtt(id, 'Arn')), context: {} };
    }
  }
}

interface Verdict {
  who: string;
  action: string;
  resource: string;
  request: string;
  result: string;
  error?: string;
}

async function evaluate(check: Check): Promise<Verdict> {
  const target = arnOf(check);
  // The Lambda's role session: aws:userid is "<role id>:<function name>", the owner of its statements and sessions.
  const userid = `${t.getAtt(check.roleId, 'RoleId')}:${check.sessionName}`;
  const context: Record<string, string> = { 'aws:SecureTransport': 'true', 'aws:userid': userid, 'aws:PrincipalAccount': ACCOUNT };
  for (const [k, v] of Object.entries(target.context)) context[k] = v === '${self}' ? userid : v;
  const resourcePolicy = target.resourceType && target.resourceId ? t.resourcePolicyOf(target.resourceType, target.resourceId) : undefined;
  const outcome = await simulate({
    action: check.call.action,
    resource: target.resource,
    validateAs: target.validateAs,
    principalArn: t.getAtt(check.roleId, 'Arn'),
    context,
    identityPolicies: t.rolePolicies(check.roleId),
    resourcePolicy,
  });
  return { who: check.who, action: check.call.action, resource: target.resource, request: check.call.request, ...outcome };
}

/** Lambda@Edge functions: their role trusts edgelambda.amazonaws.com. */
function edgeFunctions(): TemplateFunction[] {
  return functions.filter((fn) => JSON.stringify(t.resources[fn.roleId]?.Properties?.AssumeRolePolicyDocument ?? {}).includes('edgelambda.amazonaws.com'));
}

/** Distinct checks (same function, action and resource once). */
function distinct(checks: Check[]): Check[] {
  const seen = new Set<string>();
  return checks.filter((c) => {
    const key = JSON.stringify([c.roleId, c.call.action, c.call.resource]);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

const denied = (verdicts: Verdict[]) => verdicts.filter((v) => v.result !== 'Allowed').map((v) => `${v.who}: ${v.action} on ${v.resource} (${v.request}) → ${v.result}${v.error ? ` ${v.error}` : ''}`);

describe('IAM simulation of a recorded local run against the synthesized roles', () => {
  it('runs the workflow (2 dates, default sources, an imported CSV) and records the calls of every Task function', () => {
    expect(runError).toBeUndefined();
    const states = new Set(recorder.operations.map((o) => o.state));
    for (const s of ['CollectSource', 'TransformBatch', 'Load', 'Analyze', 'Publish', 'NotifyFailure']) expect(states, s).toContain(s);
    expect(failedRunStatus).toBe('FAILED');
    expect(recorder.operations.some((o) => o.state === 'NotifyFailure' && o.port === 'notifier')).toBe(true);
    expect(recorder.operations.some((o) => o.state === 'NotifyFailure' && o.port === 'warehouse')).toBe(true);
    // Publish marks its etl_run_stages row: its warehouse call is recorded, so it is simulated below.
    expect(recorder.operations.some((o) => o.state === 'Publish' && o.port === 'warehouse')).toBe(true);
    // The paths the review found ungranted are on the run: each delete happens.
    const deletes = recorder.operations.filter((o) => o.port === 'lake' && o.operation === 'delete').map((o) => `${o.state} ${'key' in o ? o.key.split('/')[0] : ''}`);
    expect(new Set(deletes)).toEqual(new Set(['CollectSource landing', 'TransformBatch quarantine', 'Analyze results']));
    expect(recorder.operations.some((o) => o.port === 'warehouse' && o.operation === 'transaction' && warehouseTransactionCalls(o.items).some((c) => c.resource.type === 'session'))).toBe(true);
  });

  it('allows every AWS request each Task function makes, on the real bucket, workgroup, topic and secret of the template', async () => {
    const checks: Check[] = [];
    for (const op of recorder.operations) {
      if (op.state === SCHEMA_STATE) continue;
      const fn = stateFunction.get(op.state)!;
      for (const call of callsOf(op)) checks.push({ who: `${op.state} (${fn.id})`, call, roleId: fn.roleId, sessionName: fn.name, env: fn.env });
    }
    const verdicts = await Promise.all(distinct(checks).map(evaluate));
    if (process.env.IAM_SIMULATION_SUMMARY) console.log(`${recorder.operations.length} port operations, ${checks.length} requests, ${verdicts.length} distinct`, [...new Set(verdicts.map((v) => `${v.who.split(' ')[0]} ${v.action}`))].sort().join('\n'));
    expect(verdicts.length).toBeGreaterThan(20);
    expect(denied(verdicts)).toEqual([]);
  });

  it("allows the state machine's own requests for its Distributed Maps: ItemReader reads, ResultWriter writes, child executions", async () => {
    const [smId, machine] = t.ofType('AWS::StepFunctions::StateMachine')[0]!;
    const roleId = TemplateResolver.target(machine.Properties!.RoleArn)!;
    const machineArn = t.ref(smId);
    const machineName = machineArn.split(':').pop()!;
    const bucket = t.value((machine.Properties!.DefinitionSubstitutions as Record<string, unknown>).CuratedBucketName) as string;
    const bucketId = t.findBy('AWS::S3::Bucket', bucket);
    expect(bucketId).toBeDefined();
    expect(new Set(serviceCalls.map((c) => c.action))).toEqual(new Set(['s3:GetObject', 's3:PutObject', 'states:StartExecution']));
    expect(new Set(serviceCalls.map((c) => c.state))).toEqual(new Set(['DetectAnomalies', 'ForEachDate', 'ForEachSource', 'TransformBatches']));
    const verdicts: Verdict[] = [];
    const seen = new Set<string>();
    const requests = serviceCalls.flatMap((c) => {
      if (c.action !== 'states:StartExecution') return [{ who: c.state, action: c.action, resource: `arn:aws:s3:::${bucket}/${c.key}`, s3: true }];
      // The service starts the child, then describes it and (when the Map Run fails) stops it.
      const execution = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machineName}/${c.state}:${c.key}`;
      return [
        { who: c.state, action: c.action, resource: machineArn, s3: false },
        { who: c.state, action: 'states:DescribeExecution', resource: execution, s3: false },
        { who: c.state, action: 'states:StopExecution', resource: execution, s3: false },
      ];
    });
    for (const r of requests) {
      // One check per action and kind of key (the keys differ by run, source and map run only).
      const shape = `${r.action} ${r.resource.replace(/[0-9a-f-]{36}/g, '<id>').replace(/run=[^/]+|source=[^/]+|executions\/[^/]+/g, '<k>').replace(/:\d+$/, '')}`;
      if (seen.has(shape)) continue;
      seen.add(shape);
      const outcome = await simulate({
        action: r.action,
        resource: r.resource,
        principalArn: t.getAtt(roleId, 'Arn'),
        context: { 'aws:SecureTransport': 'true', 'aws:PrincipalAccount': ACCOUNT },
        identityPolicies: t.rolePolicies(roleId),
        resourcePolicy: r.s3 ? t.resourcePolicyOf('AWS::S3::Bucket', bucketId!) : undefined,
      });
      verdicts.push({ who: `state machine (${r.who})`, action: r.action, resource: r.resource, request: 'Distributed Map', ...outcome });
    }
    expect(verdicts.length).toBeGreaterThanOrEqual(6);
    expect(denied(verdicts)).toEqual([]);
    // And nothing beyond its own executions and working files: another machine, another prefix are denied.
    const other = await simulate({
      action: 's3:GetObject',
      resource: `arn:aws:s3:::${bucket}/curated/meter_readings/x.parquet`,
      principalArn: t.getAtt(roleId, 'Arn'),
      context: { 'aws:SecureTransport': 'true', 'aws:PrincipalAccount': ACCOUNT },
      identityPolicies: t.rolePolicies(roleId),
      resourcePolicy: t.resourcePolicyOf('AWS::S3::Bucket', bucketId!),
    });
    expect(other.result).not.toBe('Allowed');
    const otherMachine = await simulate({
      action: 'states:StartExecution',
      resource: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:someone-elses`,
      principalArn: t.getAtt(roleId, 'Arn'),
      context: { 'aws:PrincipalAccount': ACCOUNT },
      identityPolicies: t.rolePolicies(roleId),
    });
    expect(otherMachine.result).not.toBe('Allowed');
  });

  it('allows the secrets every function reads when its container starts', async () => {
    const checks = functions.flatMap((fn) =>
      SECRETS_READ_AT_START.filter((v) => fn.env[v]).flatMap((v) => secretCalls(v).map((call) => ({ who: fn.id, call, roleId: fn.roleId, sessionName: fn.name, env: fn.env }))),
    );
    expect(checks.length).toBeGreaterThanOrEqual(5); // pseudonym (analyze), Slack (analyze, notify-failure), market and EV API keys (collect)
    expect(denied(await Promise.all(checks.map(evaluate)))).toEqual([]);
  });

  it('allows the COPY role (assumed by Redshift) to read every manifest and Parquet object a load copies', async () => {
    const [, namespace] = t.ofType('AWS::RedshiftServerless::Namespace')[0]!;
    const copyRoleId = TemplateResolver.target(namespace.Properties!.DefaultIamRoleArn)!;
    const load = stateFunction.get('Load')!;
    const checks: Check[] = [];
    for (const op of recorder.operations) {
      if (op.port !== 'warehouse' || op.operation !== 'transaction') continue;
      for (const item of op.items) {
        if (!isCopy(item) || item.copyParquet.keys.length === 0) continue;
        for (const call of copyRoleCalls(item.name, item.copyParquet.keys)) checks.push({ who: `COPY role (${item.name})`, call, roleId: copyRoleId, sessionName: 'RedshiftIamRoleSession', env: load.env });
      }
    }
    expect(checks.length).toBeGreaterThan(0);
    expect(denied(await Promise.all(distinct(checks).map(evaluate)))).toEqual([]);
  });

  it('allows the COPY role to UNLOAD (list, CLEANPATH delete, put) under curated/_unload/ and nowhere else', async () => {
    const [, namespace] = t.ofType('AWS::RedshiftServerless::Namespace')[0]!;
    const copyRoleId = TemplateResolver.target(namespace.Properties!.DefaultIamRoleArn)!;
    const load = stateFunction.get('Load')!;
    const check = (who: string, call: IamCall): Check => ({ who: `COPY role (${who})`, call, roleId: copyRoleId, sessionName: 'RedshiftIamRoleSession', env: load.env });
    // Every UNLOAD the recorded run made, and (declared, so the grant is proven before any step unloads) one partitioned by page.
    const checks = unloadRoleCalls('curated/_unload/anomaly_inputs/run=r1/', ['page']).map((call) => check('declared unload', call));
    for (const op of recorder.operations) {
      if (op.port !== 'warehouse' || op.operation !== 'transaction') continue;
      for (const item of op.items) {
        if (isUnload(item)) for (const call of unloadRoleCalls(item.unloadParquet.prefix, item.unloadParquet.partitionBy)) checks.push(check(item.name, call));
      }
    }
    expect(denied(await Promise.all(distinct(checks).map(evaluate)))).toEqual([]);
    // The write grant is the prefix's only: curated data and the other buckets stay read-only or out of reach.
    const outside = await Promise.all(
      [
        { action: 's3:PutObject', key: 'curated/meter_readings/dt=2026-11-01/x.parquet' },
        { action: 's3:DeleteObject', key: 'curated/meter_readings/dt=2026-11-01/x.parquet' },
        { action: 's3:PutObject', key: 'curated/_manifests/x.manifest' },
      ].map(({ action, key }) => evaluate(check('outside', { action, resource: { type: 'object', bucketVariable: 'CURATED_BUCKET', key }, request: action }))),
    );
    expect(outside.map((v) => v.result)).toEqual(['ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied']);
  });

  it("allows the custom resources' SDK calls (the usage limit's Create/Update/DeleteUsageLimit)", async () => {
    const verdicts: Verdict[] = [];
    for (const [id, r] of Object.entries(t.resources)) {
      if (!r.Type.startsWith('Custom::') || !r.Properties?.Create) continue;
      const fnId = TemplateResolver.target(r.Properties.ServiceToken)!;
      const fn = functions.find((f) => f.id === fnId)!;
      for (const phase of ['Create', 'Update', 'Delete']) {
        if (!r.Properties[phase]) continue;
        // AwsCustomResource serialises { service, action } (SDK v3 client and command names) per phase.
        const sdk = JSON.parse(t.value(r.Properties[phase])) as { service: string; action: string };
        const service = kebabCase(sdk.service.replace(/^@aws-sdk\/client-/, ''));
        const action = `${service}:${sdk.action[0]!.toUpperCase()}${sdk.action.slice(1).replace(/Command$/, '')}`;
        const [svc, name] = action.split(':') as [string, string];
        if (!(await isWildcardOnlyAction(svc, name))) throw new Error(`${id} ${phase}: ${action} has a resource type; declare its resource here.`);
        verdicts.push(
          await evaluate({ who: `${id} ${phase}`, call: { action, resource: { type: 'statement' }, request: `${sdk.service}.${sdk.action}` }, roleId: fn.roleId, sessionName: fn.name, env: fn.env }),
        );
      }
    }
    expect(verdicts.map((v) => v.action)).toEqual(expect.arrayContaining(['redshift-serverless:CreateUsageLimit', 'redshift-serverless:UpdateUsageLimit', 'redshift-serverless:DeleteUsageLimit']));
    expect(denied(verdicts)).toEqual([]);
  });

  it('allows the dashboard sign-in check (Lambda@Edge) to read its configuration secret at cold start', async () => {
    const edge = edgeFunctions();
    expect(edge).toHaveLength(1);
    const [[secretId, secret]] = t.ofType('AWS::SecretsManager::Secret').filter(([, r]) => t.value(r.Properties!.Name) === signInSecretName);
    expect(secretId).toBeDefined();
    // Lambda@Edge has no environment: the secret's name is baked into the bundle (lib/dashboard-sign-in.ts),
    // so the check names it here the way lambdas/edge/viewer-request.ts does (SecretId = that name).
    const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${t.value(secret.Properties!.Name)}-AbCdEf`;
    const fn = edge[0]!;
    const call: IamCall = { action: 'secretsmanager:GetSecretValue', resource: { type: 'secret', variable: 'SIGN_IN_CONFIG' }, request: 'GetSecretValue (lambdas/edge/viewer-request.ts)' };
    const verdict = await evaluate({ who: `dashboard sign-in (${fn.id})`, call, roleId: fn.roleId, sessionName: fn.name, env: { SIGN_IN_CONFIG: arn } });
    expect(denied([verdict])).toEqual([]);
  });

  it('allows the schema custom resource: the framework invokes the migration function, which runs the migrations and grants as the admin', async () => {
    const { resourceId, framework, fn, env } = schemaFunction();
    const ops = recorder.operations.filter((o) => o.state === SCHEMA_STATE);
    expect(ops.some((o) => o.port === 'warehouse' && o.operation === 'transaction')).toBe(true);
    const checks: Check[] = ops.flatMap((op) =>
      (op.port === 'warehouse' ? (op.operation === 'transaction' ? warehouseTransactionCalls(op.items, ADMIN_AUTH) : warehouseStatementCalls(op.operation, ADMIN_AUTH)) : []).map(
        (call) => ({ who: `${resourceId} (${fn.id})`, call, roleId: fn.roleId, sessionName: fn.name, env }),
      ),
    );
    // lambdas/schema/access.ts reads the catalog (query) and creates and grants (execute): statements
    // DuckDB cannot run, so declared here rather than recorded.
    for (const operation of ['query', 'execute'] as const) {
      for (const call of warehouseStatementCalls(operation, ADMIN_AUTH)) checks.push({ who: `${resourceId} grants (${fn.id})`, call, roleId: fn.roleId, sessionName: fn.name, env });
    }
    const verdicts = await Promise.all(distinct(checks).map(evaluate));
    expect(verdicts.map((v) => v.action)).toEqual(expect.arrayContaining(['redshift-data:ExecuteStatement', 'secretsmanager:GetSecretValue', 'redshift-data:GetStatementResult']));
    expect(denied(verdicts)).toEqual([]);

    const invoke = await simulate({
      action: 'lambda:InvokeFunction',
      resource: t.getAtt(fn.id, 'Arn'),
      principalArn: t.getAtt(framework.roleId, 'Arn'),
      context: { 'aws:SecureTransport': 'true', 'aws:PrincipalAccount': ACCOUNT },
      identityPolicies: t.rolePolicies(framework.roleId),
    });
    expect(invoke).toEqual({ result: 'Allowed' });
  });

  it('the pipeline functions sign in with GetCredentials and can NOT read the admin secret', async () => {
    const { env } = schemaFunction();
    const verdicts = await Promise.all(
      ['CollectSource', 'Load', 'Analyze', 'NotifyFailure'].map((state) => {
        const fn = stateFunction.get(state)!;
        const call: IamCall = { action: 'secretsmanager:GetSecretValue', resource: { type: 'secret', variable: 'ADMIN_SECRET_ARN' }, request: 'admin secret' };
        return evaluate({ who: state, call, roleId: fn.roleId, sessionName: fn.name, env: { ...fn.env, ADMIN_SECRET_ARN: env.ADMIN_SECRET_ARN! } });
      }),
    );
    expect(verdicts.map((v) => v.result)).toEqual(['ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied']);
    const load = stateFunction.get('Load')!;
    const getCredentials = await evaluate({
      who: 'Load',
      call: warehouseStatementCalls('execute').find((c) => c.action === 'redshift-serverless:GetCredentials')!,
      roleId: load.roleId,
      sessionName: load.name,
      env: load.env,
    });
    expect(getCredentials.result).toBe('Allowed');
  });

  it('knows every function of the template: a Task function, a custom-resource handler, or one with no grants of its own', () => {
    const tasks = new Set([...stateFunction.values()].map((f) => f.id));
    for (const fn of edgeFunctions()) tasks.add(fn.id); // its one call is simulated above
    const handlers = new Set(Object.values(t.resources).flatMap((r) => (r.Type.startsWith('Custom::') ? [TemplateResolver.target(r.Properties?.ServiceToken)] : [])));
    // The schema provider's onEvent function: its calls are simulated above.
    handlers.add(schemaFunction().fn.id);
    const unknown = functions.filter((fn) => !tasks.has(fn.id) && !handlers.has(fn.id) && t.rolePolicies(fn.roleId).some((p) => p.policy.Statement.length > 0));
    // A new function with grants needs its calls declared here (as the Task functions' are), or its grants are unproven.
    expect(unknown.map((f) => f.id), 'declare the AWS calls of these functions in test/iam/iam-simulation.test.ts').toEqual([]);
  });
});

describe('the IAM evaluator stays out of what ships', () => {
  it('is imported by tests only (AGPL-3.0): nothing under lambdas/, lib/, bin/ or dashboard/ names it', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== 'node_modules' && entry.name !== 'dist') walk(path);
        } else if (/\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(entry.name) && readFileSync(path, 'utf8').includes('@cloud-copilot/')) {
          offenders.push(path.slice(ROOT.length + 1));
        }
      }
    };
    for (const dir of ['lambdas', 'lib', 'bin', 'dashboard']) walk(join(ROOT, dir));
    expect(offenders).toEqual([]);
  });
});
