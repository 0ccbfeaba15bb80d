/**
 * The gridlake stack: composes the data lake, warehouse, pipeline, dashboard site and monitoring
 * for one stage. Every construct lives in its own file; this one only wires them and holds the
 * stack-wide settings (alerts topic, secrets, outputs).
 */
import { CfnOutput, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import { DashboardSite } from './dashboard-site';
import { DataLake } from './data-lake';
import { Monitoring } from './monitoring';
import { Pipeline } from './pipeline';
import { pipelineConfigJson, type StageConfig } from './stage-config';
import { Warehouse } from './warehouse';
import { WarehouseNetworkConstruct } from './warehouse-network';
import { WarehouseSchema } from './warehouse-schema';
import { LAMBDA_BASIC_EXECUTION } from './nag';
import { removalPolicy } from './removal';

export interface GridlakeStackProps extends StackProps {
  stage: StageConfig;
  /** Repository root. Default: the parent of lib/. */
  projectRoot?: string;
}

/** CloudWatch Logs accepts only these retention values. */
function retentionDays(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number' && v > 0).sort((a, b) => a - b);
  const match = allowed.find((v) => v >= days);
  return (match ?? allowed[allowed.length - 1]!) as logs.RetentionDays;
}

export class GridlakeStack extends Stack {
  readonly lake: DataLake;
  readonly warehouse: Warehouse;
  readonly network: WarehouseNetworkConstruct;
  readonly pipeline: Pipeline;
  readonly schema: WarehouseSchema;
  readonly site: DashboardSite;
  readonly monitoring: Monitoring;
  readonly alertTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: GridlakeStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const projectRoot = props.projectRoot ?? join(__dirname, '..');
    const removal = removalPolicy(stage.removal);
    const name = `gridlake-${stage.name}`;

    this.lake = new DataLake(this, 'Lake', {
      removal: stage.removal,
      rawInfrequentAccessDays: stage.rawInfrequentAccessDays,
      rawGlacierDays: stage.rawGlacierDays,
      quarantineExpiryDays: stage.quarantineExpiryDays,
    });

    this.network = new WarehouseNetworkConstruct(this, 'Network', { network: stage.network });
    this.warehouse = new Warehouse(this, 'Warehouse', {
      network: this.network,
      curatedBucket: this.lake.curated,
      name,
      baseCapacityRpu: stage.baseCapacityRpu,
      maxCapacityRpu: stage.maxCapacityRpu,
      dailyRpuHoursLimit: stage.dailyRpuHoursLimit,
      usageLimitBreachAction: stage.usageLimitBreachAction,
      removal: stage.removal,
    });

    // A customer-managed key: CloudWatch alarms cannot publish to a topic encrypted with aws/sns.
    const alertKey = new kms.Key(this, 'AlertKey', { enableKeyRotation: true, description: 'gridlake alerts topic', removalPolicy: removal });
    alertKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.alertTopic = new sns.Topic(this, 'Alerts', { displayName: `gridlake ${stage.name} alerts`, masterKey: alertKey, enforceSSL: true });
    this.alertTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alertTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    if (stage.alertEmail) this.alertTopic.addSubscription(new subscriptions.EmailSubscription(stage.alertEmail));

    const pseudonymSecret = new secretsmanager.Secret(this, 'PseudonymKey', {
      description: 'gridlake: HMAC key that pseudonymises customer ids on the dashboard',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: removal,
    });
    Validations.of(pseudonymSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotating the pseudonym key would change every published customer pseudonym; it is rotated deliberately, by hand.',
    });
    /** A secret whose value a third party issues: filled by the operator after deploy, never rotated by AWS. */
    const externalSecret = (id: string, description: string, rotation: string) => {
      const secret = new secretsmanager.Secret(this, id, { description: `gridlake: ${description} (put it as the secret value after deploy)`, removalPolicy: removal });
      Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: rotation });
      return secret;
    };
    const slackWebhookSecret = stage.slackWebhook
      ? externalSecret(
          'SlackWebhook',
          'Slack incoming-webhook URL for alerts',
          'A Slack webhook URL is issued by Slack and cannot be rotated by a Lambda; replace it in Slack and here together.',
        )
      : undefined;
    const marketApiKeySecret = stage.marketApi
      ? externalSecret(
          'MarketApiKey',
          'API key of the live market-price API',
          'The market API key is issued by the price provider and cannot be rotated by a Lambda; rotate it at the provider and here together.',
        )
      : undefined;
    const evApiKeySecret = stage.evApi
      ? externalSecret(
          'EvApiKey',
          'service key of the national EV charger-status API (data.go.kr)',
          'The data.go.kr service key is issued by the portal and cannot be rotated by a Lambda; reissue it there and put it here together.',
        )
      : undefined;

    this.site = new DashboardSite(this, 'Site', {
      distDir: join(projectRoot, 'dashboard', 'dist'),
      accessLogs: this.lake.accessLogs,
      removal: stage.removal,
      access: stage.dashboard.access,
      signIn: { projectRoot, stageName: stage.name, mfa: stage.dashboard.mfa, domainPrefix: stage.dashboard.signInDomainPrefix },
    });

    this.pipeline = new Pipeline(this, 'Pipeline', {
      projectRoot,
      lake: this.lake,
      siteBucket: this.site.bucket,
      warehouse: this.warehouse,
      alertTopic: this.alertTopic,
      pseudonymSecret,
      slackWebhookSecret,
      marketApiKeySecret,
      evApiKeySecret,
      configJson: pipelineConfigJson(stage),
      transformSize: stage.transform,
      schedule: { hour: stage.schedule.hour, minute: stage.schedule.minute, timezone: stage.timezone, enabled: stage.scheduleEnabled },
      logRetention: retentionDays(stage.logRetentionDays),
      removal: stage.removal,
    });

    // DDL once, at deploy: the tables, migrations and database roles; the pipeline's first run (the
    // state machine and the schedule) waits for it.
    this.schema = new WarehouseSchema(this, 'WarehouseSchema', {
      projectRoot,
      warehouse: this.warehouse,
      etlRoles: this.pipeline.warehouseFunctions.map((fn) => fn.role!),
      logRetention: retentionDays(stage.logRetentionDays),
      removal,
    });
    this.pipeline.stateMachine.node.addDependency(this.schema.resource);
    this.pipeline.schedule.node.addDependency(this.schema.resource);

    this.monitoring = new Monitoring(this, 'Monitoring', {
      stateMachine: this.pipeline.stateMachine,
      functions: this.pipeline.functions,
      alertTopic: this.alertTopic,
      dashboardName: name,
    });

    this.acknowledgeFrameworkFindings();

    new CfnOutput(this, 'DashboardUrl', { value: this.site.url, description: 'The stakeholders dashboard' });
    new CfnOutput(this, 'StateMachineArn', { value: this.pipeline.stateMachine.stateMachineArn, description: 'aws stepfunctions start-execution --state-machine-arn …' });
    new CfnOutput(this, 'AlertTopicArn', { value: this.alertTopic.topicArn });
    new CfnOutput(this, 'WorkgroupName', { value: this.warehouse.workgroupName, description: 'Redshift Serverless workgroup (Query Editor v2)' });
    new CfnOutput(this, 'RawBucket', { value: this.lake.raw.bucketName, description: 'Upload meter CSVs under landing/meters/' });
    new CfnOutput(this, 'ResultsBucket', { value: this.lake.results.bucketName, description: 'Flow-meter device files under exports/devices/ (aws s3 presign, docs/FLOW.md)' });
    new CfnOutput(this, 'CloudWatchDashboard', { value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${name}` });
  }

  /**
   * Findings on resources that CDK itself creates for BucketDeployment, autoDeleteObjects and
   * AwsCustomResource (singleton Lambda functions with CDK-managed code and policies), and the
   * runtime finding of our own functions, each on the functions it concerns (never the whole stack,
   * which would also hide a future function on an outdated runtime).
   */
  private acknowledgeFrameworkFindings(): void {
    // AwsCustomResource's singleton function (the usage limit) sits at the stack root.
    const sdkCall = this.node.children.find((c) => c.node.id.startsWith('AWS679f53fac002430cb0da5b7982bd2287'));
    if (sdkCall) {
      Validations.of(sdkCall).acknowledge({
        id: LAMBDA_BASIC_EXECUTION,
        reason: 'CDK AwsCustomResource handler: the managed policy allows writing to any log group of the account (Resource *), writes only.',
      });
    }
    // CDK's framework functions (custom resource providers) have runtimes chosen by aws-cdk-lib.
    for (const child of this.node.children) {
      const id = child.node.id;
      if (id.startsWith('AWS679f53fac002430cb0da5b7982bd2287') || id.startsWith('Custom::CDKBucketDeployment') || id.startsWith('Custom::S3AutoDeleteObjects')) {
        Validations.of(child).acknowledge({ id: 'AwsSolutions-L1', reason: 'A CDK framework function: aws-cdk-lib chooses and updates its runtime.' });
      }
    }
    for (const fn of Object.values(this.pipeline.functions)) {
      Validations.of(fn).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'gridlake functions are pinned to Node.js 22: the packed DuckDB linux-arm64 build (@duckdb/node-api) is tested on it. Move all steps together.',
      });
    }
  }
}
