/**
 * The warehouse schema, applied ONCE per deploy by a custom resource (lambdas/handlers/schema-migrations.ts
 * through custom-resources.Provider): the tables and migrations (lambdas/schema/warehouse-schema.ts)
 * and the database roles of least privilege (lambdas/schema/access.ts), as the admin through the
 * Data API. It replaces the DDL four functions used to run on every cold start.
 *
 * - `SchemaVersion` is a hash of the sources the schema SQL comes from: a change to them makes
 *   CloudFormation send Update, and the runner applies only what the warehouse has not recorded.
 * - `EtlRoleNames` are the IAM role names of the pipeline's warehouse functions (Refs, known at
 *   deploy): each becomes the database user `IAMR:<name>` with the gridlake_etl role.
 * - The function is the only reader of the admin secret.
 * Wire-up: the state machine and its schedule depend on {@link WarehouseSchema.resource}, so the
 * first execution cannot start before the tables and users exist.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CustomResource, Duration, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { stepBundling } from './bundling/step-bundling';
import { LAMBDA_BASIC_EXECUTION, acknowledgeWildcards, nagRef } from './nag';
import type { Warehouse } from './warehouse';

/**
 * Where the schema's SQL comes from: the .sql files, the runner and grants, dataset declarations
 * (if any) and the adapters' DDL (Redshift's physical design). Hashed file by file, in path order.
 */
export const SCHEMA_SOURCES = ['lambdas/sql', 'lambdas/schema', 'lambdas/datasets', 'lambdas/ports'];

export function schemaVersion(projectRoot: string, sources: readonly string[] = SCHEMA_SOURCES): string {
  const hash = createHash('sha256');
  for (const source of sources) {
    const dir = join(projectRoot, source);
    if (!existsSync(dir)) continue;
    const files = (readdirSync(dir, { recursive: true }) as string[]).map(String).filter((f) => /\.(sql|ts)$/.test(f)).sort();
    for (const f of files) hash.update(relative(projectRoot, join(dir, f))).update('\u0000').update(readFileSync(join(dir, f))).update('\u0000');
  }
  return hash.digest('hex').slice(0, 32);
}

export interface WarehouseSchemaProps {
  /** Repository root (the handler and lockfile paths are relative to it). */
  projectRoot: string;
  warehouse: Warehouse;
  /** Roles of the functions that reach the warehouse: each gets the gridlake_etl database role. */
  etlRoles: iam.IRole[];
  logRetention: logs.RetentionDays;
  removal: RemovalPolicy;
}

export class WarehouseSchema extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: WarehouseSchemaProps) {
    super(scope, id);
    const { warehouse } = props;
    const logGroup = new logs.LogGroup(this, 'MigrateLogs', { retention: props.logRetention, removalPolicy: props.removal });
    this.function = new nodejs.NodejsFunction(this, 'Migrate', {
      entry: join(props.projectRoot, 'lambdas/handlers/schema-migrations.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      // A migration of a large table (ALTER, backfilled column) may take minutes; Lambda's limit.
      timeout: Duration.minutes(15),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      description: 'gridlake: applies the warehouse schema migrations and database grants at deploy (lambdas/handlers/schema-migrations.ts)',
      depsLockFilePath: join(props.projectRoot, 'package-lock.json'),
      projectRoot: props.projectRoot,
      bundling: stepBundling(props.projectRoot, false),
    });
    warehouse.grantAdminDataAccess(this.function);

    const provider = new cr.Provider(this, 'Provider', { onEventHandler: this.function, logGroup });
    this.resource = new CustomResource(this, 'Schema', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::GridlakeSchema',
      properties: {
        WorkgroupName: warehouse.workgroupName,
        Database: warehouse.databaseName,
        AdminSecretArn: warehouse.adminSecretArn,
        EtlRoleNames: props.etlRoles.map((r) => r.roleName),
        SchemaVersion: schemaVersion(props.projectRoot),
      },
    });
    // The Data API needs the workgroup up (the namespace holds the admin user).
    this.resource.node.addDependency(warehouse.workgroup);

    acknowledgeWildcards(
      this.function,
      { resources: ['*'] },
      'Resource * is X-Ray PutTraceSegments/PutTelemetryRecords (no resource type) and the Data API statement reads and session statements, ' +
        'each conditioned on the caller owning the statement or session.',
    );
    acknowledgeWildcards(
      provider,
      { resources: [`${nagRef(this, this.function.functionArn)}:*`] },
      'The custom resource framework invokes exactly the migration function and its versions (<arn>:*).',
    );
    for (const scope of [this.function, provider]) {
      Validations.of(scope).acknowledge({
        id: LAMBDA_BASIC_EXECUTION,
        reason: 'AWSLambdaBasicExecutionRole allows writing to any log group of the account (Resource *); writes only, no reads or deletes.',
      });
    }
    Validations.of(provider).acknowledge({ id: 'AwsSolutions-L1', reason: 'The custom resource framework function: aws-cdk-lib chooses and updates its runtime.' });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'gridlake functions are pinned to Node.js 22 together (see the pipeline functions); this one moves with them.',
    });
  }
}
