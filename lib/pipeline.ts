/**
 * The pipeline: one Lambda function per Task resource of statemachines/etl.asl.json (derived by
 * convention in lib/asl-tasks.ts, never listed twice), the state machine built from that same file
 * with `definitionSubstitutions`, and the daily EventBridge Scheduler trigger.
 *
 * Least privilege: each step declares what it touches in STEP_ACCESS; it gets exactly those grants
 * and only the environment variables of those resources (lambdas/ports/aws-ports.ts turns a missing
 * variable into an error that names it).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, ArnFormat, Duration, RemovalPolicy, Size, Stack, TimeZone, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { aslBucketSubstitutions, aslTaskHandlers, type AslTaskHandler } from './asl-tasks';
import { stepBundling } from './bundling/step-bundling';
import type { DataLake } from './data-lake';
import type { Warehouse } from './warehouse';
import { acknowledgeWildcards, KMS_GRANT_ACTIONS, LAMBDA_BASIC_EXECUTION, nagRef, S3_DELETE_ACTIONS, S3_PUT_ACTIONS, S3_READ_ACTIONS } from './nag';
import { removalPolicy } from './removal';
import { duckdbEnvironment, type TransformFunctionSize } from './duckdb-sizing';
import { WORK_PREFIX } from '../lambdas/contract/work-manifests';
import { UNLOAD_PREFIX_ROOT as UNLOAD_PREFIX } from '../lambdas/ports/warehouse';

/** What a step may touch. `lake` zones are buckets; `duckdb` packs the native engine. */
type Access =
  | 'raw:read'
  | 'raw:write'
  | 'curated:read'
  | 'curated:write'
  | 'manifests:read'
  | 'manifests:write'
  | 'unload:read'
  | 'unload:write'
  | 'quarantine:write'
  | 'quarantine:delete'
  | 'landing:delete'
  | 'results:delete-latest'
  | 'results:read'
  | 'results:write'
  | 'site:write'
  | 'warehouse'
  | 'notify'
  | 'pseudonym'
  | 'duckdb'
  | 'market-api'
  | 'ev-api';

interface StepSpec {
  /** Memory in MB (CPU scales with it). */
  memoryMb: number;
  access: Access[];
}

/**
 * Per step: memory and the resources it uses (see lambdas/steps). A Task added to the ASL without
 * an entry here still deploys, with DEFAULT_STEP (no data access) and a synth warning.
 */
export const STEP_ACCESS: Record<string, StepSpec> = {
  // Derives dates, run ids and sources from the input and the clock; writes the dates as JSON Lines
  // under curated/_manifests/ for the ForEachDate Distributed Map.
  plan: { memoryMb: 256, access: ['manifests:write'] },
  // Writes raw/ (reads landing/ and reference/ in the same bucket) and removes the landing/ files it
  // has copied into raw/; the market source reads its watermark. Writes its batches as JSON Lines
  // under curated/_manifests/ for the TransformBatches Distributed Map.
  collect: { memoryMb: 512, access: ['raw:read', 'raw:write', 'landing:delete', 'warehouse', 'market-api', 'ev-api', 'manifests:write'] },
  // DuckDB: raw → curated Parquet + quarantine rejects (a batch with no rejects deletes its old reject file).
  transform: { memoryMb: 3008, access: ['raw:read', 'curated:write', 'quarantine:write', 'quarantine:delete', 'duckdb'] },
  // COPY (writes manifests under curated/_manifests/) → staging → MERGE (the tables exist: lib/warehouse-schema.ts creates them at deploy).
  load: { memoryMb: 512, access: ['curated:read', 'curated:write', 'warehouse'] },
  // Meter anomaly inputs for the whole fleet: the warehouse UNLOADs them (as the COPY role) under
  // curated/_unload/; the pages go as JSON Lines under curated/_manifests/ for the DetectAnomalies Map.
  'prepare-anomalies': { memoryMb: 512, access: ['warehouse', 'manifests:write', 'unload:write'] },
  // One page of meters: reads its unloaded Parquet (DuckDB), replaces its anomalies in the warehouse.
  'detect-anomalies': { memoryMb: 1769, access: ['warehouse', 'unload:read', 'duckdb'] },
  // SQL aggregates + models → results/*.json; pseudonymises customers; alerts on new anomalies.
  // Replaces results/latest/ whole, so files that dropped out of the result set are deleted there.
  analyze: { memoryMb: 1769, access: ['warehouse', 'results:read', 'results:write', 'results:delete-latest', 'pseudonym', 'notify'] },
  // Copies results/ into the dashboard bucket's data/; marks the execution's 'publish' stage
  // succeeded in etl_run_stages (so a kill during Publish is visible there).
  publish: { memoryMb: 512, access: ['results:read', 'site:write', 'warehouse'] },
  // Marks the run failed in etl_runs (its dates read from Plan's JSON Lines) and sends the failure notification.
  'notify-failure': { memoryMb: 256, access: ['warehouse', 'notify', 'manifests:read'] },
};
const DEFAULT_STEP: StepSpec = { memoryMb: 512, access: [] };

export interface PipelineProps {
  /** Repository root (handlers, ASL and lockfile paths are relative to it). */
  projectRoot: string;
  lake: DataLake;
  siteBucket: s3.IBucket;
  warehouse: Warehouse;
  alertTopic: sns.ITopic;
  /** Secret HMAC key for pseudonymising customer ids. */
  pseudonymSecret: secretsmanager.ISecret;
  /** Optional secret holding a Slack incoming-webhook URL. */
  slackWebhookSecret?: secretsmanager.ISecret;
  /** Optional secret holding the live market-price API key (read by collect only). */
  marketApiKeySecret?: secretsmanager.ISecret;
  /** The national EV charger API's service key (stage evApi); read by collect only. */
  evApiKeySecret?: secretsmanager.ISecret;
  /** GRIDLAKE_CONFIG JSON (validated by lib/stage-config.ts). */
  configJson: string;
  /** Schedule time and IANA timezone. */
  schedule: { hour: number; minute: number; timezone: string; enabled: boolean };
  logRetention: logs.RetentionDays;
  removal: 'destroy' | 'retain';
  /** The transform function's memory and /tmp (stage config `transform`); DuckDB's settings follow. Default 3,008 / 4,096 MB. */
  transformSize?: TransformFunctionSize;
  /** The ASL file, relative to projectRoot. Default `statemachines/etl.asl.json`. */
  aslFile?: string;
}

/** How cdk-nag prints a stack's region or account in a finding: the value when the stage names it, else the pseudo parameter. */
function nagEnv(value: string, pseudo: string): string {
  return Token.isUnresolved(value) ? `<${pseudo}>` : value;
}

export class Pipeline extends Construct {
  readonly functions: Record<string, nodejs.NodejsFunction> = {};
  readonly tasks: AslTaskHandler[];
  readonly stateMachine: sfn.StateMachine;
  readonly schedule: scheduler.Schedule;

  /** The functions that reach the warehouse: their roles are the database users of gridlake_etl. */
  get warehouseFunctions(): nodejs.NodejsFunction[] {
    return Object.entries(this.functions)
      .filter(([name]) => (STEP_ACCESS[name] ?? DEFAULT_STEP).access.includes('warehouse'))
      .map(([, fn]) => fn);
  }

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    const aslFile = join(props.projectRoot, props.aslFile ?? 'statemachines/etl.asl.json');
    this.tasks = aslTaskHandlers(aslFile);
    const removal = removalPolicy(props.removal);

    const substitutions: Record<string, string> = {};
    for (const task of this.tasks) {
      const fn = this.stepFunction(task, props, removal);
      this.functions[task.name] = fn;
      substitutions[task.substitution] = fn.functionArn;
    }

    // The buckets the Distributed Maps' ItemReader reads and ResultWriter writes: `${<Zone>BucketName}`.
    const zones: Record<string, s3.IBucket> = { Raw: props.lake.raw, Curated: props.lake.curated, Quarantine: props.lake.quarantine, Results: props.lake.results };
    for (const substitution of aslBucketSubstitutions(aslFile)) {
      const bucket = zones[substitution.replace(/BucketName$/, '')];
      if (!bucket) throw new Error(`\${${substitution}} in the ASL names no lake zone; use one of ${Object.keys(zones).map((z) => `\${${z}BucketName}`).join(', ')}.`);
      substitutions[substitution] = bucket.bucketName;
    }

    const logGroup = new logs.LogGroup(this, 'StateMachineLogs', { retention: props.logRetention, removalPolicy: removal });
    // A name of its own: the role must name the machine's ARN (its Distributed Maps start child
    // executions of it), and a Ref to the machine from its own role's policy would be a cycle.
    const stateMachineName = `${Stack.of(this).stackName}-etl`;
    this.stateMachine = new sfn.StateMachine(this, 'Etl', {
      stateMachineName,
      comment: 'gridlake ETL (statemachines/etl.asl.json)',
      definitionBody: sfn.DefinitionBody.fromFile(aslFile),
      definitionSubstitutions: substitutions,
      // Every state transition is logged, without the states' input and output: those carry object
      // keys, which name meters in the energy app's export layout, and errors with them. They stay in
      // the execution history (Step Functions console), not copied into CloudWatch Logs for months.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
      // A backfill of MAX_DATES_PER_EXECUTION (lambdas/steps/plan.ts) dates at 1–2 minutes each, one at a time.
      timeout: Duration.days(3),
    });
    this.grantDistributedMaps(stateMachineName, props.lake.curated);
    // The definition comes from a file, so CDK cannot infer the invoke grants: give exactly these ARNs.
    for (const fn of Object.values(this.functions)) fn.grantInvoke(this.stateMachine);
    acknowledgeWildcards(
      this.stateMachine,
      { resources: ['*', ...Object.values(this.functions).map((fn) => `${nagRef(this, fn.functionArn)}:*`)] },
      'grantInvoke covers the function and its versions/aliases (<arn>:*) of exactly the step functions; Resource * is X-Ray and CloudWatch Logs delivery, which have no resource type.',
    );

    this.schedule = new scheduler.Schedule(this, 'Daily', {
      description: `Daily gridlake run at ${String(props.schedule.hour).padStart(2, '0')}:${String(props.schedule.minute).padStart(2, '0')} ${props.schedule.timezone}`,
      schedule: scheduler.ScheduleExpression.cron({
        minute: String(props.schedule.minute),
        hour: String(props.schedule.hour),
        timeZone: TimeZone.of(props.schedule.timezone),
      }),
      // Plan turns the scheduled instant into the run date in the configured timezone.
      target: new targets.StepFunctionsStartExecution(this.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ scheduledTime: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: 3,
      }),
      enabled: props.schedule.enabled,
    });
  }

  /**
   * What the Distributed Maps need of the state machine's role
   * (https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html): start,
   * describe and stop its own child executions; read the ItemReader objects and write the
   * ResultWriter files, which all live under curated/_manifests/.
   */
  private grantDistributedMaps(stateMachineName: string, curated: s3.IBucket): void {
    const stack = Stack.of(this);
    const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'states', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const executions = arn('execution', `${stateMachineName}/*`);
    this.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [arn('stateMachine', stateMachineName)] }));
    this.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:DescribeExecution', 'states:StopExecution'], resources: [executions] }));
    curated.grantRead(this.stateMachine, `${WORK_PREFIX}*`);
    curated.grantPut(this.stateMachine, `${WORK_PREFIX}*`);
    acknowledgeWildcards(
      this.stateMachine,
      {
        actions: [...S3_READ_ACTIONS, ...S3_PUT_ACTIONS],
        resources: [`${nagRef(this, curated.bucketArn)}/${WORK_PREFIX}*`, `arn:<AWS::Partition>:states:${nagEnv(stack.region, 'AWS::Region')}:${nagEnv(stack.account, 'AWS::AccountId')}:execution:${stateMachineName}/*`],
      },
      'The Distributed Maps read their items from and write their results to the working files under curated/_manifests/ (keys per execution, run and source), ' +
        'and describe or stop the child executions they start, whose ARNs are generated (execution:<machine>/<map run>:<id>).',
    );
  }

  private stepFunction(task: AslTaskHandler, props: PipelineProps, removal: RemovalPolicy): nodejs.NodejsFunction {
    const spec = STEP_ACCESS[task.name];
    if (!spec) {
      Annotations.of(this).addWarningV2(
        `gridlake:unknown-step:${task.name}`,
        `Step "${task.name}" (\${${task.substitution}}) has no entry in STEP_ACCESS (lib/pipeline.ts): deployed with no data access.`,
      );
    }
    const { access } = spec ?? DEFAULT_STEP;
    const transformSize = props.transformSize ?? { memoryMb: 3008, ephemeralStorageMb: 4096 };
    const memoryMb = task.name === 'transform' ? transformSize.memoryMb : (spec ?? DEFAULT_STEP).memoryMb;
    const entry = join(props.projectRoot, task.handlerFile);
    if (!existsSync(entry)) {
      throw new Error(`${task.handlerFile} does not exist, but ${task.substitution} in the ASL needs it: write the handler (export const handler).`);
    }
    const id = task.name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
    const env = this.environment(access, props);
    const duckdb = access.includes('duckdb');
    // DuckDB's memory and spill follow the transform's size; other DuckDB readers (a page of anomaly
    // inputs, a few MB) keep its defaults and the default /tmp.
    const sized = duckdb && task.name === 'transform';
    if (sized) Object.assign(env, duckdbEnvironment(transformSize));

    const logGroup = new logs.LogGroup(this, `${id}Logs`, { retention: props.logRetention, removalPolicy: removal });
    const fn = new nodejs.NodejsFunction(this, id, {
      entry,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: memoryMb,
      // The Lambda stops 30 s before its Task state's TimeoutSeconds (Lambda's hard limit is 15 min),
      // so a slow function fails with its own timeout error and log line, not an opaque States.Timeout.
      timeout: Duration.seconds(Math.min((task.timeoutSeconds ?? 330) - 30, 900)),
      // DuckDB spills and stages Parquet in /tmp: give it room beyond the default 512 MB.
      ephemeralStorageSize: sized ? Size.mebibytes(transformSize.ephemeralStorageMb) : undefined,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      description: `gridlake ${task.name} step (${task.handlerFile})`,
      environment: env,
      depsLockFilePath: join(props.projectRoot, 'package-lock.json'),
      projectRoot: props.projectRoot,
      bundling: stepBundling(props.projectRoot, duckdb),
    });
    this.grant(fn, access, props);
    return fn;
  }

  /** Environment of a step: the common settings plus the variables of exactly the resources it may use. */
  private environment(access: Access[], props: PipelineProps): Record<string, string> {
    const { lake, warehouse } = props;
    const env: Record<string, string> = {
      GRIDLAKE_MODE: 'aws',
      GRIDLAKE_CONFIG: props.configJson,
      POWERTOOLS_SERVICE_NAME: 'gridlake',
      POWERTOOLS_METRICS_NAMESPACE: 'gridlake',
      NODE_OPTIONS: '--enable-source-maps',
    };
    if (access.some((a) => a.startsWith('raw:'))) env.RAW_BUCKET = lake.raw.bucketName;
    if (access.some((a) => a.startsWith('curated:') || a.startsWith('manifests:') || a.startsWith('unload:'))) env.CURATED_BUCKET = lake.curated.bucketName;
    if (access.some((a) => a.startsWith('quarantine:'))) env.QUARANTINE_BUCKET = lake.quarantine.bucketName;
    if (access.some((a) => a.startsWith('results:'))) env.RESULTS_BUCKET = lake.results.bucketName;
    if (access.includes('site:write')) env.SITE_BUCKET = props.siteBucket.bucketName;
    if (access.includes('warehouse')) {
      env.REDSHIFT_WORKGROUP = warehouse.workgroupName;
      env.REDSHIFT_DATABASE = warehouse.databaseName;
      // No REDSHIFT_SECRET_ARN: the Data API signs in as this function's role (database user
      // IAMR:<role name>, granted gridlake_etl by the schema custom resource), never as the admin.
      // Only the load COPYs; the others never need the role.
      // COPY reads and UNLOAD writes as this role (the namespace's default IAM role).
      if (access.includes('curated:read') || access.includes('unload:write')) env.COPY_ROLE_ARN = warehouse.copyRole.roleArn;
    }
    if (access.includes('notify')) {
      env.ALERT_TOPIC_ARN = props.alertTopic.topicArn;
      if (props.slackWebhookSecret) env.SLACK_WEBHOOK_SECRET_ARN = props.slackWebhookSecret.secretArn;
    }
    if (access.includes('pseudonym')) env.PSEUDONYM_SECRET_ARN = props.pseudonymSecret.secretArn;
    if (access.includes('market-api') && props.marketApiKeySecret) env.MARKET_API_KEY_SECRET_ARN = props.marketApiKeySecret.secretArn;
    if (access.includes('ev-api') && props.evApiKeySecret) env.EV_API_KEY_SECRET_ARN = props.evApiKeySecret.secretArn;
    return env;
  }

  private grant(fn: nodejs.NodejsFunction, access: Access[], props: PipelineProps): void {
    const { lake } = props;
    for (const a of access) {
      switch (a) {
        case 'raw:read':
          lake.raw.grantRead(fn);
          break;
        case 'raw:write':
          lake.raw.grantPut(fn);
          break;
        case 'curated:read':
          lake.curated.grantRead(fn);
          break;
        case 'curated:write':
          lake.curated.grantPut(fn);
          break;
        // The Distributed Maps' working files (JSON Lines of dates and batches): that prefix only.
        case 'manifests:read':
          lake.curated.grantRead(fn, `${WORK_PREFIX}*`);
          break;
        case 'manifests:write':
          lake.curated.grantPut(fn, `${WORK_PREFIX}*`);
          break;
        // What the warehouse UNLOADed for the analyses (the COPY role writes it; readers read that prefix only).
        case 'unload:read':
          lake.curated.grantRead(fn, `${UNLOAD_PREFIX}*`);
          break;
        case 'unload:write':
          break;
        case 'quarantine:write':
          lake.quarantine.grantPut(fn);
          break;
        // Deletes are granted on the one prefix the step deletes under, never the whole bucket.
        case 'quarantine:delete':
          lake.quarantine.grantDelete(fn, 'quarantine/*');
          break;
        case 'landing:delete':
          lake.raw.grantDelete(fn, 'landing/*');
          break;
        case 'results:delete-latest':
          lake.results.grantDelete(fn, 'results/latest/*');
          break;
        case 'results:read':
          lake.results.grantRead(fn);
          break;
        case 'results:write':
          lake.results.grantPut(fn);
          break;
        case 'site:write':
          props.siteBucket.grantReadWrite(fn, 'data/*');
          break;
        case 'warehouse':
          props.warehouse.grantDataAccess(fn);
          break;
        case 'notify':
          props.alertTopic.grantPublish(fn);
          props.slackWebhookSecret?.grantRead(fn);
          break;
        case 'pseudonym':
          props.pseudonymSecret.grantRead(fn);
          break;
        case 'market-api':
          props.marketApiKeySecret?.grantRead(fn);
          break;
        case 'ev-api':
          props.evApiKeySecret?.grantRead(fn);
          break;
        case 'duckdb':
          break;
      }
    }
    // The wildcards CDK's grants produce, named one by one (see lib/nag.ts): only those this step has.
    const buckets: string[] = [];
    const bucketRef = (b: s3.IBucket, prefix = '*') => `${nagRef(this, b.bucketArn)}/${prefix}`;
    if (access.some((a) => a === 'raw:read' || a === 'raw:write')) buckets.push(bucketRef(lake.raw));
    if (access.some((a) => a.startsWith('curated:'))) buckets.push(bucketRef(lake.curated));
    if (access.some((a) => a.startsWith('manifests:'))) buckets.push(bucketRef(lake.curated, `${WORK_PREFIX}*`));
    if (access.includes('unload:read')) buckets.push(bucketRef(lake.curated, `${UNLOAD_PREFIX}*`));
    if (access.includes('quarantine:write')) buckets.push(bucketRef(lake.quarantine));
    if (access.some((a) => a === 'results:read' || a === 'results:write')) buckets.push(bucketRef(lake.results));
    if (access.includes('site:write')) buckets.push(bucketRef(props.siteBucket, 'data/*'));
    if (access.includes('quarantine:delete')) buckets.push(bucketRef(lake.quarantine, 'quarantine/*'));
    if (access.includes('landing:delete')) buckets.push(bucketRef(lake.raw, 'landing/*'));
    if (access.includes('results:delete-latest')) buckets.push(bucketRef(lake.results, 'results/latest/*'));
    const reads = access.some((a) => a.endsWith(':read') || a === 'site:write');
    const puts = access.some((a) => a.endsWith(':write'));
    const deletes = access.some((a) => a.endsWith(':delete') || a === 'results:delete-latest' || a === 'site:write');
    acknowledgeWildcards(
      fn,
      {
        actions: [
          ...(reads ? S3_READ_ACTIONS : []),
          ...(puts ? S3_PUT_ACTIONS : []),
          ...(deletes ? S3_DELETE_ACTIONS : []),
          ...(access.includes('notify') ? KMS_GRANT_ACTIONS : []),
        ],
        // Every function is traced, so each has the X-Ray statement on *.
        resources: ['*', ...buckets],
      },
      'S3 object grants name the buckets this step uses, as <bucket>/* for reads and writes (keys are written per source, date and run) ' +
        'and only the prefix it deletes under for deletes; Resource * is X-Ray PutTraceSegments/PutTelemetryRecords (no resource type) and, ' +
        'for warehouse steps, the Data API statement reads and session statements, each conditioned on the caller owning the statement or session; ' +
        'kms wildcards are the data-key actions for the encrypted alerts topic, on that key only.',
    );
    Validations.of(fn).acknowledge({
      id: LAMBDA_BASIC_EXECUTION,
      reason:
        'AWSLambdaBasicExecutionRole allows logs:CreateLogGroup, logs:CreateLogStream and logs:PutLogEvents on every log group of the account ' +
        '(Resource *), not only this function\'s; accepted because it grants writes to logs only (no reads, no deletes), and each function writes to ' +
        'its own log group set in loggingConfig.',
    });
  }
}
