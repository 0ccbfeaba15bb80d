/**
 * The whole stack synthesised once (bundling skipped) and checked: every construct's key
 * properties, least-privilege grants, the ASL substitutions, and cdk-nag AwsSolutions with zero
 * unacknowledged findings. Built-in CloudFormation validation runs too (CDK_VALIDATION unset → on).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aslTaskHandlers } from '../../lib/asl-tasks';
import { GridlakeStack } from '../../lib/gridlake-stack';
import { STEP_ACCESS } from '../../lib/pipeline';
import { pipelineConfigJson, stageConfig, StageConfigError } from '../../lib/stage-config';

const root = process.cwd();
const ASL = join(root, 'statemachines/etl.asl.json');
let outdir: string;
let stack: GridlakeStack;
let template: Template;
let resources: Record<string, { Type: string; Properties?: any; DependsOn?: unknown }>;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'gridlake-cdk-'));
  const app = new App({
    outdir,
    context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:validateAgainstDefaultRules': true },
  });
  const stage = stageConfig('dev', { dev: { timezone: 'America/New_York', schedule: { hour: 5, minute: 30 }, slackWebhook: true, marketApi: true, evApi: true, alertEmail: 'ops@example.com' } });
  stack = new GridlakeStack(app, 'GridlakeTest', { stage, projectRoot: root });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // Throws with the full report if cdk-nag or CloudFormation validation finds anything unacknowledged.
  app.synth();
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
});

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

function ofType(type: string) {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}
function logicalId(construct: { node: { defaultChild?: unknown } } | unknown): string {
  return stack.getLogicalId((construct as any).node.defaultChild ?? construct);
}
/** Every policy statement attached to a function's role, resolved. */
function statementsOf(fnName: string): Array<{ Action: string | string[]; Resource: unknown }> {
  const fn = stack.pipeline.functions[fnName]!;
  const roleId = stack.getLogicalId(fn.role!.node.defaultChild as any);
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}
const actionsOf = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('synth', () => {
  it('passes cdk-nag AwsSolutions and CloudFormation validation (app.synth() threw nothing)', () => {
    const report = join(outdir, 'policy-validation-report.json');
    let text = '';
    try {
      text = readFileSync(report, 'utf8');
    } catch {
      // no report file means no findings at all
    }
    if (text) {
      const parsed = JSON.parse(text);
      const failures = (parsed.pluginReports ?? []).flatMap((r: any) => r.violations ?? []).filter((v: any) => v.severity === 'error');
      expect(failures).toEqual([]);
    }
  });
});

describe('data lake', () => {
  it('has encrypted, private, TLS-only, logged buckets', () => {
    const buckets = ofType('AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThanOrEqual(6); // raw, curated, quarantine, results, access logs, site
    for (const [id, b] of buckets) {
      expect(b.Properties.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.SSEAlgorithm, id).toBe('AES256');
      expect(b.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
    const accessLogs = logicalId(stack.lake.accessLogs);
    for (const bucket of [stack.lake.raw, stack.lake.curated, stack.lake.quarantine, stack.lake.results, stack.site.bucket]) {
      expect(resources[logicalId(bucket)]!.Properties.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: accessLogs });
    }
    // TLS only: every bucket policy denies aws:SecureTransport=false.
    const policies = ofType('AWS::S3::BucketPolicy');
    for (const bucket of [stack.lake.raw, stack.lake.curated, stack.lake.quarantine, stack.lake.results, stack.site.bucket, stack.lake.accessLogs]) {
      const policy = policies.find(([, p]) => p.Properties.Bucket.Ref === logicalId(bucket));
      expect(policy, logicalId(bucket)).toBeDefined();
      expect(policy![1].Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('versions raw data and ages it to IA then Glacier; quarantine expires', () => {
    const raw = resources[logicalId(stack.lake.raw)]!.Properties;
    expect(raw.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const rule = raw.LifecycleConfiguration.Rules[0];
    expect(rule.Transitions).toEqual([
      { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
      { StorageClass: 'GLACIER', TransitionInDays: 90 },
    ]);
    const quarantine = resources[logicalId(stack.lake.quarantine)]!.Properties;
    expect(quarantine.LifecycleConfiguration.Rules[0]).toMatchObject({ ExpirationInDays: 30, Status: 'Enabled' });
    // The curated bucket's working prefixes (COPY manifests, UNLOAD output) expire after 7 days.
    const curatedRules = resources[logicalId(stack.lake.curated)]!.Properties.LifecycleConfiguration.Rules;
    for (const prefix of ['curated/_manifests/', 'curated/_unload/']) {
      expect(curatedRules, prefix).toContainEqual(expect.objectContaining({ Prefix: prefix, ExpirationInDays: 7, Status: 'Enabled' }));
    }
  });

  it('removes data with the stack in dev (auto-delete) and nothing is retained', () => {
    expect(resources[logicalId(stack.lake.raw)]).toMatchObject({ DeletionPolicy: 'Delete' });
    expect(ofType('Custom::S3AutoDeleteObjects').length).toBeGreaterThanOrEqual(5);
  });
});

describe('warehouse', () => {
  it('is a private Redshift Serverless workgroup with 8 base RPU, capped max, and the COPY role', () => {
    template.hasResourceProperties('AWS::RedshiftServerless::Workgroup', {
      BaseCapacity: 8,
      MaxCapacity: 16,
      PubliclyAccessible: false,
      WorkgroupName: 'gridlake-dev',
      NamespaceName: 'gridlake-dev',
    });
    const copyRole = logicalId(stack.warehouse.copyRole);
    template.hasResourceProperties('AWS::RedshiftServerless::Namespace', {
      DbName: 'gridlake',
      AdminUsername: 'gridlake_admin',
      AdminUserPassword: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
      IamRoles: [{ 'Fn::GetAtt': [copyRole, 'Arn'] }],
      DefaultIamRoleArn: { 'Fn::GetAtt': [copyRole, 'Arn'] },
    });
  });

  it('lets the COPY role read the curated bucket, write (UNLOAD) under curated/_unload/ only, and nothing else', () => {
    const roleId = logicalId(stack.warehouse.copyRole);
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const curated = logicalId(stack.lake.curated);
    expect(statements.length).toBeGreaterThan(0);
    const writes = statements.filter((s) => !actionsOf(s).every((a) => a.startsWith('s3:Get') || a.startsWith('s3:List')));
    expect(writes).toHaveLength(1);
    expect(actionsOf(writes[0]!).sort()).toEqual(['s3:DeleteObject', 's3:PutObject']);
    expect(JSON.stringify(writes[0]!.Resource)).toMatch(/\/curated\/_unload\/\*"\]\]\}$/);
    for (const s of statements) {
      expect(JSON.stringify(s.Resource)).toContain(curated);
      for (const other of [stack.lake.raw, stack.lake.quarantine, stack.lake.results]) expect(JSON.stringify(s.Resource)).not.toContain(logicalId(other));
    }
  });

  it('lets the usage-limit custom resource call Create/Update/DeleteUsageLimit on Resource * (they have no resource type)', () => {
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonredshiftserverless.html lists
    // no resource type for these actions, so a statement scoped to the workgroup ARN never matches them.
    const [, limit] = ofType('Custom::RedshiftServerlessUsageLimit')[0]!;
    const roleId = (limit.DependsOn as string[]).find((d) => resources[d]?.Type === 'AWS::IAM::Policy')!;
    const statements = resources[roleId]!.Properties.PolicyDocument.Statement;
    for (const action of ['redshift-serverless:CreateUsageLimit', 'redshift-serverless:UpdateUsageLimit', 'redshift-serverless:DeleteUsageLimit']) {
      expect(statements.some((s: any) => actionsOf(s).includes(action) && s.Resource === '*'), action).toBe(true);
    }
  });

  it('places the workgroup in three subnets of three AZs of a VPC the stack creates, never the default VPC', () => {
    const [, wg] = ofType('AWS::RedshiftServerless::Workgroup')[0]!;
    expect(wg.Properties.SubnetIds).toHaveLength(3);
    expect(wg.Properties.SecurityGroupIds).toHaveLength(1);
    const zones = wg.Properties.SubnetIds.map((ref: { Ref: string }) => JSON.stringify(resources[ref.Ref]!.Properties.AvailabilityZone));
    expect(new Set(zones).size).toBe(3);
    // AZs come from Fn::GetAZs at deploy time: synth needs no lookup (and no cdk.context.json).
    for (const z of zones) expect(z).toContain('Fn::GetAZs');
    // Isolated: no internet or NAT gateway, no ingress.
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    const [, group] = ofType('AWS::EC2::SecurityGroup')[0]!;
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
  });

  it('sets a daily RPU-hours usage limit through CreateUsageLimit', () => {
    const [, limit] = ofType('Custom::RedshiftServerlessUsageLimit')[0]!;
    const create = JSON.stringify(limit.Properties.Create);
    expect(create).toContain('createUsageLimit');
    expect(create).toContain('serverless-compute');
    expect(create).toContain('\\"period\\":\\"daily\\"');
    expect(create).toContain('\\"amount\\":16');
  });
});

describe('pipeline', () => {
  const tasks = aslTaskHandlers(ASL);

  it('derives one Node 22 ARM64 traced function per ASL task, with per-step memory and the Task timeout', () => {
    expect(Object.keys(stack.pipeline.functions).sort()).toEqual(tasks.map((t) => t.name).sort());
    for (const task of tasks) {
      const props = resources[logicalId(stack.pipeline.functions[task.name])]!.Properties;
      expect(props.Runtime, task.name).toBe('nodejs22.x');
      expect(props.Architectures, task.name).toEqual(['arm64']);
      expect(props.TracingConfig, task.name).toEqual({ Mode: 'Active' });
      expect(props.MemorySize, task.name).toBe(STEP_ACCESS[task.name]!.memoryMb);
      // 30 s of headroom under the Task's TimeoutSeconds (cloud review, section D).
      expect(props.Timeout, task.name).toBe(Math.min(task.timeoutSeconds! - 30, 900));
      expect(task.timeoutSeconds! - props.Timeout, task.name).toBeGreaterThanOrEqual(30);
      expect(props.Environment.Variables).toMatchObject({ GRIDLAKE_MODE: 'aws', POWERTOOLS_SERVICE_NAME: 'gridlake' });
      expect(() => JSON.parse(props.Environment.Variables.GRIDLAKE_CONFIG)).not.toThrow();
    }
  });

  it('gives each function only the environment of its resources', () => {
    const env = (name: string) => resources[logicalId(stack.pipeline.functions[name])]!.Properties.Environment.Variables;
    // Plan writes the dates (JSON Lines for the ForEachDate Distributed Map) under curated/_manifests/.
    expect(Object.keys(env('plan')).sort()).toEqual(['CURATED_BUCKET', 'GRIDLAKE_CONFIG', 'GRIDLAKE_MODE', 'NODE_OPTIONS', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME']);
    expect(env('transform')).toMatchObject({ RAW_BUCKET: expect.anything(), CURATED_BUCKET: expect.anything(), QUARANTINE_BUCKET: expect.anything() });
    expect(env('transform').REDSHIFT_WORKGROUP).toBeUndefined();
    expect(env('load')).toMatchObject({ REDSHIFT_WORKGROUP: 'gridlake-dev', REDSHIFT_DATABASE: 'gridlake', COPY_ROLE_ARN: expect.anything() });
    expect(env('analyze')).toMatchObject({ PSEUDONYM_SECRET_ARN: expect.anything(), RESULTS_BUCKET: expect.anything(), ALERT_TOPIC_ARN: expect.anything() });
    expect(env('analyze').COPY_ROLE_ARN).toBeUndefined();
    expect(env('publish')).toMatchObject({ SITE_BUCKET: { Ref: logicalId(stack.site.bucket) } });
    expect(env('notify-failure')).toMatchObject({ ALERT_TOPIC_ARN: { Ref: logicalId(stack.alertTopic) }, SLACK_WEBHOOK_SECRET_ARN: expect.anything() });
    // The live market API key: collect only, and the config switches to the http provider.
    expect(env('collect')).toMatchObject({ MARKET_API_KEY_SECRET_ARN: expect.anything() });
    for (const other of ['plan', 'transform', 'load', 'analyze', 'publish', 'notify-failure']) expect(env(other).MARKET_API_KEY_SECRET_ARN).toBeUndefined();
    expect(JSON.parse(env('collect').GRIDLAKE_CONFIG).market.provider).toBe('http');
    // Likewise the national EV charger API's service key, and the config turns the API on.
    expect(env('collect')).toMatchObject({ EV_API_KEY_SECRET_ARN: expect.anything() });
    for (const other of ['plan', 'transform', 'load', 'analyze', 'publish', 'notify-failure']) expect(env(other).EV_API_KEY_SECRET_ARN).toBeUndefined();
    expect(JSON.parse(env('collect').GRIDLAKE_CONFIG).evChargers.api).toEqual({});
  });

  it('grants least privilege: no * resource except the actions that have no resource type', () => {
    // X-Ray trace upload and Data API statement reads (conditioned on the caller) cannot name a resource.
    const allowedStar = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'redshift-data:DescribeStatement', 'redshift-data:GetStatementResult', 'redshift-data:CancelStatement']);
    // Statements sent in a Data API session name no workgroup: * with the session-owner condition.
    const sessionStatement = (s: any) =>
      actionsOf(s).every((a) => a === 'redshift-data:ExecuteStatement' || a === 'redshift-data:BatchExecuteStatement') &&
      s.Condition?.StringEquals?.['redshift-data:session-owner-iam-userid'] === '${aws:userid}';
    for (const name of Object.keys(stack.pipeline.functions)) {
      for (const s of statementsOf(name)) {
        if (s.Resource === '*') expect(actionsOf(s).every((a) => allowedStar.has(a)) || sessionStatement(s), `${name}: ${actionsOf(s)}`).toBe(true);
        expect(actionsOf(s).some((a) => a === '*' || a.endsWith(':*')), `${name}: ${actionsOf(s)}`).toBe(false);
      }
    }
    const touches = (name: string, construct: unknown) => JSON.stringify(statementsOf(name)).includes(logicalId(construct));
    expect(touches('plan', stack.lake.raw)).toBe(false);
    expect(touches('transform', stack.lake.raw) && touches('transform', stack.lake.curated)).toBe(true);
    expect(touches('transform', stack.lake.results) || touches('transform', stack.site.bucket)).toBe(false);
    expect(touches('publish', stack.site.bucket) && touches('publish', stack.lake.results)).toBe(true);
    expect(touches('publish', stack.lake.raw)).toBe(false);
    expect(touches('load', stack.warehouse.workgroup)).toBe(true);
    // Collect and Plan reach the curated bucket only for the Distributed Maps' working files.
    const curatedGrants = (name: string) => statementsOf(name).filter((s) => JSON.stringify(s.Resource).includes(logicalId(stack.lake.curated)));
    for (const name of ['collect', 'plan', 'notify-failure']) {
      expect(curatedGrants(name).length, name).toBeGreaterThan(0);
      for (const s of curatedGrants(name)) expect(JSON.stringify(s.Resource), name).toContain('/curated/_manifests/*');
    }
    // Every delete the steps make is granted, on the prefix they delete under only.
    const deletes = (name: string) => statementsOf(name).filter((s) => actionsOf(s).includes('s3:DeleteObject*'));
    expect(JSON.stringify(deletes('transform'))).toContain('/quarantine/*');
    expect(JSON.stringify(deletes('transform'))).toContain(logicalId(stack.lake.quarantine));
    expect(JSON.stringify(deletes('collect'))).toContain('/landing/*');
    expect(JSON.stringify(deletes('collect'))).toContain(logicalId(stack.lake.raw));
    expect(JSON.stringify(deletes('analyze'))).toContain('/results/latest/*');
    for (const name of ['plan', 'load', 'notify-failure']) expect(deletes(name), name).toEqual([]);
    // The site grant is limited to data/*.
    const site = statementsOf('publish').filter((s) => JSON.stringify(s.Resource).includes(logicalId(stack.site.bucket)));
    expect(JSON.stringify(site)).toContain('/data/*');
  });

  it('builds the state machine from the ASL file with a substitution for every ${…}', () => {
    const [, sm] = ofType('AWS::StepFunctions::StateMachine')[0]!;
    expect(sm.Properties.DefinitionS3Location).toBeDefined();
    expect(sm.Properties.DefinitionString).toBeUndefined();
    const used = [...readFileSync(ASL, 'utf8').matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!);
    expect(Object.keys(sm.Properties.DefinitionSubstitutions).sort()).toEqual([...new Set(used)].sort());
    for (const task of tasks) {
      expect(sm.Properties.DefinitionSubstitutions[task.substitution]).toEqual({ 'Fn::GetAtt': [logicalId(stack.pipeline.functions[task.name]), 'Arn'] });
    }
    expect(sm.Properties.TracingConfiguration).toEqual({ Enabled: true });
    // Transitions logged, payloads (object keys naming meters) not copied into CloudWatch Logs.
    expect(sm.Properties.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
  });

  it('lets the state machine invoke exactly the step functions', () => {
    const smRole = stack.getLogicalId(stack.pipeline.stateMachine.role.node.defaultChild as any);
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === smRole))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => actionsOf(s).includes('lambda:InvokeFunction'));
    const invoked = JSON.stringify(statements);
    for (const fn of Object.values(stack.pipeline.functions)) expect(invoked).toContain(logicalId(fn));
    expect(statements.every((s: any) => s.Resource !== '*')).toBe(true);
  });

  it("lets the state machine run its Distributed Maps: its own child executions, and the working files' prefix only", () => {
    const smRole = stack.getLogicalId(stack.pipeline.stateMachine.role.node.defaultChild as any);
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === smRole))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const of = (action: string) => statements.filter((s: any) => actionsOf(s).includes(action)).map((s: any) => JSON.stringify(s.Resource));
    const [, sm] = ofType('AWS::StepFunctions::StateMachine')[0]!;
    const name = sm.Properties.StateMachineName as string;
    expect(of('states:StartExecution')).toEqual([expect.stringContaining(`:stateMachine:${name}"`)]);
    expect(of('states:DescribeExecution')).toEqual([expect.stringContaining(`:execution:${name}/*`)]);
    expect(of('states:StopExecution')).toEqual([expect.stringContaining(`:execution:${name}/*`)]);
    for (const action of ['s3:GetObject*', 's3:PutObject']) {
      expect(of(action).length, action).toBeGreaterThan(0);
      for (const r of of(action)) expect(r, action).toContain('/curated/_manifests/*');
    }
  });

  it('schedules a daily run in the configured IANA timezone with the scheduled time as input', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 5 * * ? *)',
      ScheduleExpressionTimezone: 'America/New_York',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { Ref: logicalId(stack.pipeline.stateMachine) },
        Input: JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>' }),
      }),
    });
  });

  it('declares DuckDB for the transform and the anomaly page workers only, and gives the transform scratch space', () => {
    // Bundling is skipped here, so the packed node_modules are checked by `npm run synth` instead.
    expect(Object.entries(STEP_ACCESS).filter(([, s]) => s.access.includes('duckdb')).map(([n]) => n).sort()).toEqual(['detect-anomalies', 'transform']);
    expect(resources[logicalId(stack.pipeline.functions.transform)]!.Properties.EphemeralStorage).toEqual({ Size: 4096 });
    // A page of anomaly inputs is a few MB of Parquet: the default /tmp, DuckDB's default memory.
    const pages = resources[logicalId(stack.pipeline.functions['detect-anomalies']!)]!.Properties;
    expect(pages.EphemeralStorage).toBeUndefined();
    expect(pages.Environment.Variables.GRIDLAKE_DUCKDB_MEMORY_LIMIT).toBeUndefined();
  });
});

describe('dashboard site', () => {
  it('serves a private bucket through CloudFront with OAC, security headers and index.html', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const [, dist] = ofType('AWS::CloudFront::Distribution')[0]!;
    const config = dist.Properties.DistributionConfig;
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toBeDefined();
    expect(config.Origins[0].OriginAccessControlId).toBeDefined();
    expect(config.Origins[0].S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(config.Logging).toBeDefined();
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ Override: true }),
          ContentSecurityPolicy: Match.objectLike({ Override: true }),
          FrameOptions: { FrameOption: 'DENY', Override: true },
        }),
      }),
    });
    // Only CloudFront (this distribution) may read the site bucket.
    const sitePolicy = ofType('AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === logicalId(stack.site.bucket))!;
    expect(JSON.stringify(sitePolicy[1].Properties.PolicyDocument)).toContain('cloudfront.amazonaws.com');
  });

  it('deploys the built site without pruning the published data/', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', { Prune: false, Exclude: ['data/*'] });
    template.hasOutput('DashboardUrl', { Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.site.distribution), 'DomainName'] }]] } });
  });
});

describe('monitoring and alerts', () => {
  it('alarms on failed and timed-out executions, stale data and each function, into the alerts topic', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const topic = { Ref: logicalId(stack.alertTopic) };
    for (const a of alarms) expect(a.AlarmActions).toEqual([topic]);
    const byMetric = (name: string) => alarms.filter((a) => a.MetricName === name);
    expect(byMetric('ExecutionsFailed')).toHaveLength(1);
    expect(byMetric('ExecutionsTimedOut')).toHaveLength(1);
    expect(byMetric('Errors')).toHaveLength(Object.keys(stack.pipeline.functions).length);
    const [fresh] = byMetric('ExecutionsSucceeded');
    expect(fresh).toMatchObject({ Period: 3600, EvaluationPeriods: 26, DatapointsToAlarm: 26, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('encrypts the alerts topic with a rotating key CloudWatch may use, and subscribes the email', () => {
    const topic = resources[logicalId(stack.alertTopic)]!.Properties;
    expect(topic.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});

describe('stage configuration', () => {
  it('defaults every field, validates and names bad context', () => {
    const dev = stageConfig('dev', undefined);
    expect(dev).toMatchObject({ baseCapacityRpu: 8, timezone: 'Europe/London', removal: 'destroy', schedule: { hour: 6, minute: 0 } });
    expect(stageConfig('prod', undefined).removal).toBe('retain');
    expect(() => stageConfig('dev', { dev: { timezone: 'Mars/Olympus' } })).toThrow(/stages\.dev\.timezone: "Mars\/Olympus" is not an IANA timezone/);
    expect(() => stageConfig('dev', { dev: { baseCapacityRpu: 32, maxCapacityRpu: 16 } })).toThrow(/stages\.dev\.maxCapacityRpu/);
    expect(() => stageConfig('qa', { dev: {}, prod: {} })).toThrow(StageConfigError);
    const cdkJson = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8'));
    for (const name of Object.keys(cdkJson.context.stages)) expect(() => stageConfig(name, cdkJson.context.stages)).not.toThrow();
  });
});

describe('Data API sessions', () => {
  it('allows ExecuteStatement by SessionId (no workgroup in the request) only for sessions the caller owns', () => {
    // https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-iam.html: session calls carry the
    // redshift-data:session-owner-iam-userid condition key; the policy must use Resource "*".
    for (const name of ['collect', 'load', 'analyze', 'publish', 'notify-failure']) {
      const session = statementsOf(name).find((s: any) => s.Resource === '*' && actionsOf(s).includes('redshift-data:ExecuteStatement'));
      expect(session, name).toMatchObject({ Condition: { StringEquals: { 'redshift-data:session-owner-iam-userid': '${aws:userid}' } } });
    }
  });
});

describe('warehouse schema and database users (DDL once, least privilege inside the warehouse)', () => {
  const schemaId = () => logicalId(stack.schema.resource);
  const TemplateTarget = (v: any): string => (v['Fn::GetAtt'] ? v['Fn::GetAtt'][0] : v.Ref);
  const roleOf = (fn: { role?: unknown }) => stack.getLogicalId((fn.role as any).node.defaultChild);
  /** Every policy statement, with the role it is attached to. */
  const allStatements = () =>
    ofType('AWS::IAM::Policy').flatMap(([, p]) =>
      (p.Properties.PolicyDocument.Statement as any[]).map((s) => ({ s, roles: (p.Properties.Roles as Array<{ Ref: string }>).map((r) => r.Ref) })),
    );

  it('is one custom resource, after the workgroup, given the admin secret, the database and every warehouse function role', () => {
    const [id, schema] = ofType('Custom::GridlakeSchema')[0]!;
    expect(ofType('Custom::GridlakeSchema')).toHaveLength(1);
    expect(id).toBe(schemaId());
    expect(schema.DependsOn).toEqual(expect.arrayContaining([logicalId(stack.warehouse.workgroup)]));
    const props = schema.Properties;
    expect(props.WorkgroupName).toBe('gridlake-dev');
    expect(props.Database).toBe('gridlake');
    expect(props.AdminSecretArn).toEqual({ Ref: logicalId(stack.warehouse.adminSecret) });
    expect(props.SchemaVersion).toMatch(/^[0-9a-f]{32}$/);
    const warehouseSteps = Object.entries(STEP_ACCESS).filter(([, spec]) => spec.access.includes('warehouse')).map(([name]) => name);
    expect(warehouseSteps.sort()).toEqual(['analyze', 'collect', 'detect-anomalies', 'load', 'notify-failure', 'prepare-anomalies', 'publish']);
    // Role names (Ref of each role), known at deploy time: each becomes the database user IAMR:<name>.
    expect(props.EtlRoleNames).toEqual(expect.arrayContaining(warehouseSteps.map((name) => ({ Ref: roleOf(stack.pipeline.functions[name]!) }))));
    expect(props.EtlRoleNames).toHaveLength(warehouseSteps.length);
    // The service token is the provider framework, whose onEvent handler is the migration function.
    const framework = TemplateTarget(props.ServiceToken);
    expect(resources[framework]!.Properties.Environment.Variables.USER_ON_EVENT_FUNCTION_ARN).toEqual({ 'Fn::GetAtt': [logicalId(stack.schema.function), 'Arn'] });
  });

  it('the first run waits for it: the state machine and the schedule depend on the schema resource', () => {
    const [, machine] = ofType('AWS::StepFunctions::StateMachine')[0]!;
    expect(machine.DependsOn).toEqual(expect.arrayContaining([schemaId()]));
    const [, schedule] = ofType('AWS::Scheduler::Schedule')[0]!;
    expect(schedule.DependsOn).toEqual(expect.arrayContaining([schemaId()]));
  });

  it('the warehouse functions sign in as their own role (GetCredentials on the workgroup), never with the admin secret', () => {
    const workgroupArn = { 'Fn::GetAtt': [logicalId(stack.warehouse.workgroup), 'Workgroup.WorkgroupArn'] };
    for (const name of ['collect', 'load', 'analyze', 'publish', 'notify-failure']) {
      const statements = statementsOf(name);
      expect(statements.some((s) => actionsOf(s).includes('redshift-serverless:GetCredentials') && JSON.stringify(s.Resource) === JSON.stringify(workgroupArn)), name).toBe(true);
      expect(JSON.stringify(statements), name).not.toContain(logicalId(stack.warehouse.adminSecret));
      const env = resources[logicalId(stack.pipeline.functions[name])]!.Properties.Environment.Variables;
      expect(env.REDSHIFT_SECRET_ARN, name).toBeUndefined();
    }
    for (const name of ['plan', 'transform']) expect(JSON.stringify(statementsOf(name)), name).not.toContain('redshift');
  });

  it('the admin secret is read by the migration function only', () => {
    const secret = logicalId(stack.warehouse.adminSecret);
    const readers = allStatements()
      .filter(({ s }) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')) && JSON.stringify(s.Resource).includes(secret))
      .flatMap(({ roles }) => roles);
    expect([...new Set(readers)]).toEqual([roleOf(stack.schema.function)]);
    // Nor does anything else get GetSecretValue on *.
    const onStar = allStatements().filter(({ s }) => s.Resource === '*' && actionsOf(s).some((a) => a.startsWith('secretsmanager:')));
    expect(onStar).toEqual([]);
  });
});

describe('prod stage', () => {
  let prodOut: string;
  let prod: GridlakeStack;
  let prodResources: Record<string, { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;
  const cdkJson = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8'));

  beforeAll(() => {
    prodOut = mkdtempSync(join(tmpdir(), 'gridlake-cdk-prod-'));
    const app = new App({ outdir: prodOut, context: { 'aws:cdk:bundling-stacks': [] } });
    prod = new GridlakeStack(app, 'GridlakeProdTest', { stage: stageConfig('prod', cdkJson.context.stages), projectRoot: root });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    app.synth();
    prodResources = Template.fromStack(prod).toJSON().Resources;
  });
  afterAll(() => {
    if (prodOut) rmSync(prodOut, { recursive: true, force: true });
  });

  it('keeps data on delete, but a failed first deploy removes what it created (RetainExceptOnCreate, never Retain)', () => {
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html:
    // with Retain a rolled-back create leaves the named namespace/workgroup, and the next deploy fails "already exists".
    const kept = Object.entries(prodResources).filter(([, r]) => r.DeletionPolicy && r.DeletionPolicy !== 'Delete');
    expect(kept.map(([, r]) => r.Type)).toEqual(expect.arrayContaining(['AWS::S3::Bucket', 'AWS::RedshiftServerless::Namespace', 'AWS::RedshiftServerless::Workgroup', 'AWS::SecretsManager::Secret']));
    // Resources with an explicit physical name would block the next deploy if a rollback kept them.
    const named = Object.entries(prodResources).filter(([, r]) => r.Properties?.NamespaceName || r.Properties?.WorkgroupName || r.Properties?.BucketName || r.Properties?.Name);
    for (const [id, r] of named) expect(r.DeletionPolicy ?? 'Delete', id).not.toBe('Retain');
    const lakeAndWarehouse = [prod.lake.raw, prod.lake.curated, prod.lake.quarantine, prod.lake.results, prod.warehouse.namespace, prod.warehouse.workgroup, prod.warehouse.adminSecret];
    for (const c of lakeAndWarehouse) {
      const id = prod.getLogicalId(((c as any).node.defaultChild ?? c) as any);
      expect(prodResources[id]!.DeletionPolicy, id).toBe('RetainExceptOnCreate');
    }
  });

  it('collects no simulated data: the functions get only real sources', () => {
    const fn = prodResources[prod.getLogicalId(prod.pipeline.functions.collect!.node.defaultChild as any)]!;
    const config = JSON.parse(fn.Properties.Environment.Variables.GRIDLAKE_CONFIG);
    expect(config.sources.length).toBeGreaterThan(0);
    for (const simulated of ['meter-simulator', 'utilities']) expect(config.sources).not.toContain(simulated);
    if (config.sources.includes('market')) expect(config.market.provider).toBe('http');
  });
});

describe('stage sources', () => {
  it('defaults prod to real sources only and refuses simulated ones there', () => {
    const prod = stageConfig('prod', undefined);
    expect(prod.simulatedData).toBe(false);
    expect(JSON.parse(pipelineConfigJson(prod)).sources).toEqual(['meters', 'ev-chargers', 'flow-sensors']);
    // ev-chargers and flow-sensors collect imported files there; their simulated fleets are off, and refused when asked for.
    expect(JSON.parse(pipelineConfigJson(prod)).evChargers).toEqual({ simulator: false });
    expect(JSON.parse(pipelineConfigJson(prod)).flowSensors).toEqual({ simulator: false });
    expect(() => pipelineConfigJson(stageConfig('prod', { prod: { pipeline: { evChargers: { simulator: true } } } }))).toThrow(/simulated data \(ev-chargers\)/);
    expect(() => pipelineConfigJson(stageConfig('prod', { prod: { pipeline: { flowSensors: { simulator: true } } } }))).toThrow(/simulated data \(flow-sensors\)/);
    expect(JSON.parse(pipelineConfigJson(stageConfig('prod', { prod: { marketApi: true } }))).sources).toEqual(['meters', 'market', 'ev-chargers', 'flow-sensors']);
    // The EV API on a real-data stage: the fleet stays off, the API's settings are the pipeline config's.
    expect(JSON.parse(pipelineConfigJson(stageConfig('prod', { prod: { evApi: true, pipeline: { evChargers: { api: { params: { zcode: '26' } } } } } }))).evChargers).toEqual({
      api: { params: { zcode: '26' } },
      simulator: false,
    });
    expect(() => pipelineConfigJson(stageConfig('prod', { prod: { pipeline: { sources: ['meters', 'meter-simulator'] } } }))).toThrow(/simulated data \(meter-simulator\)/);
    // The market source on its simulator is simulated data too.
    expect(() => pipelineConfigJson(stageConfig('prod', { prod: { pipeline: { sources: ['market'] } } }))).toThrow(/simulated data \(market\)/);
    // A demo stage may opt in; dev keeps every source by default.
    expect(JSON.parse(pipelineConfigJson(stageConfig('prod', { prod: { simulatedData: true } }))).sources).toBeUndefined();
    expect(stageConfig('dev', undefined).simulatedData).toBe(true);
  });

  it("puts the workgroup in the stage's own subnets when the stage names a VPC (and creates no VPC)", () => {
    const out = mkdtempSync(join(tmpdir(), 'gridlake-cdk-net-'));
    try {
      const app = new App({ outdir: out, context: { 'aws:cdk:bundling-stacks': [] } });
      const subnets = ['a', 'b', 'c'].map((z, i) => ({ subnetId: `subnet-0000000${i}abcdef12`, availabilityZone: `eu-west-2${z}` }));
      const s = new GridlakeStack(app, 'GridlakeNetTest', {
        stage: stageConfig('dev', { dev: { network: { vpcId: 'vpc-0123456789abcdef0', subnets } } }),
        projectRoot: root,
      });
      const t = Template.fromStack(s);
      t.resourceCountIs('AWS::EC2::VPC', 0);
      t.hasResourceProperties('AWS::RedshiftServerless::Workgroup', { SubnetIds: subnets.map((x) => x.subnetId) });
      t.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: 'vpc-0123456789abcdef0' });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('validates a stage VPC: three subnets in three AZs', () => {
    const subnets = ['a', 'b', 'c'].map((z, i) => ({ subnetId: `subnet-0000000${i}abcdef12`, availabilityZone: `eu-west-2${z}` }));
    expect(stageConfig('dev', { dev: { network: { vpcId: 'vpc-0123456789abcdef0', subnets } } }).network?.subnets).toHaveLength(3);
    const twoZones = subnets.map((s) => ({ ...s, availabilityZone: 'eu-west-2a' }));
    expect(() => stageConfig('dev', { dev: { network: { vpcId: 'vpc-0123456789abcdef0', subnets: twoZones } } })).toThrow(/three subnets in three different Availability Zones/);
  });
});
