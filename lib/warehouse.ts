/**
 * The warehouse: Redshift Serverless namespace + workgroup. The admin credentials are generated in
 * Secrets Manager (JSON `username`/`password`, the shape the Data API reads); only the schema custom
 * resource signs in with it, the pipeline's functions sign in as their own IAM roles. (Redshift's own `manageAdminPassword` secret
 * is not used: CloudFormation exposes no attribute for its ARN.) Redshift reads Parquet for COPY through its own role that can
 * read the curated bucket and nothing else, and write (UNLOAD) under its `curated/_unload/` prefix only. A daily RPU-hours usage limit (no CloudFormation type
 * exists for it) is created with a custom resource calling CreateUsageLimit.
 *
 * Network: a workgroup always lives in subnets of a VPC. Without `subnetIds` CreateWorkgroup falls
 * back to the account's default VPC, which Control Tower and most landing-zone accounts do not have,
 * so the subnets are always given: the stage's own (stage config `network`) or a small isolated VPC
 * the stack creates (lib/warehouse-network.ts). Redshift Serverless needs at least three subnets in
 * three Availability Zones
 * (https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-usage-considerations.html).
 *
 * Tables (DDL derived from the dataset declarations in lambdas/datasets/), migrations and the
 * database roles are created at deploy time by the schema custom
 * resource (lib/warehouse-schema.ts), as the admin; the pipeline's functions sign in as their own
 * IAM roles and never read the admin secret.
 */
import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as redshiftserverless from 'aws-cdk-lib/aws-redshiftserverless';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { UNLOAD_PREFIX_ROOT } from '../lambdas/ports/warehouse';
import { acknowledgeWildcards, nagRef } from './nag';
import { removalPolicy } from './removal';
import type { WarehouseNetwork } from './warehouse-network';

const ADMIN_USER = 'gridlake_admin';

/** What the usage-limit custom resource calls (onCreate / onUpdate / onDelete). */
export const USAGE_LIMIT_ACTIONS = ['redshift-serverless:CreateUsageLimit', 'redshift-serverless:UpdateUsageLimit', 'redshift-serverless:DeleteUsageLimit'];

export interface WarehouseProps {
  /** Bucket of the curated Parquet (and COPY manifests): the only bucket the COPY role may read. */
  curatedBucket: s3.IBucket;
  /** Name prefix of the namespace and workgroup (lowercase, digits, hyphens). */
  name: string;
  /** Database name. Default `gridlake`. */
  databaseName?: string;
  /** Base capacity in RPUs. Default 8. */
  baseCapacityRpu?: number;
  /** Maximum capacity in RPUs. Default 16. */
  maxCapacityRpu?: number;
  /** Daily RPU-hours usage limit. Default 16. */
  dailyRpuHoursLimit?: number;
  /** Action at the limit. Default `emit-metric`. */
  usageLimitBreachAction?: 'log' | 'emit-metric' | 'deactivate';
  /** `destroy` deletes the namespace (and its data) with the stack. Default `retain`. */
  removal?: 'destroy' | 'retain';
  /** Subnets (≥ 3, in 3 AZs) and security group of the workgroup. */
  network: WarehouseNetwork;
}

export class Warehouse extends Construct {
  readonly namespace: redshiftserverless.CfnNamespace;
  readonly workgroup: redshiftserverless.CfnWorkgroup;
  readonly copyRole: iam.Role;
  readonly databaseName: string;
  readonly workgroupName: string;
  /** Admin credentials (username/password): read only by the schema custom resource. */
  readonly adminSecret: secretsmanager.Secret;
  readonly adminSecretArn: string;
  readonly workgroupArn: string;

  constructor(scope: Construct, id: string, props: WarehouseProps) {
    super(scope, id);
    this.databaseName = props.databaseName ?? 'gridlake';
    const removal = removalPolicy(props.removal ?? 'retain');

    this.copyRole = new iam.Role(this, 'CopyRole', {
      assumedBy: new iam.CompositePrincipal(
        new iam.ServicePrincipal('redshift.amazonaws.com'),
        new iam.ServicePrincipal('redshift-serverless.amazonaws.com'),
      ),
      description: 'Assumed by Redshift Serverless for COPY of curated Parquet and UNLOAD to curated/_unload/; no other bucket.',
    });
    props.curatedBucket.grantRead(this.copyRole);
    acknowledgeWildcards(
      this.copyRole,
      { actions: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'], resources: [`${nagRef(this, props.curatedBucket.bucketArn)}/*`] },
      'COPY reads any object of the curated bucket (keys are per dataset, date and run); no other bucket.',
    );
    // UNLOAD … CLEANPATH writes Parquet under curated/_unload/ and first deletes what an earlier
    // UNLOAD left in the folders it writes (CLEANPATH needs s3:DeleteObject; it lists with the
    // s3:ListBucket granted above): https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    const unloadObjects = props.curatedBucket.arnForObjects(`${UNLOAD_PREFIX_ROOT}*`);
    this.copyRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject'], resources: [unloadObjects] }));
    acknowledgeWildcards(
      this.copyRole,
      { resources: [`${nagRef(this, props.curatedBucket.bucketArn)}/${UNLOAD_PREFIX_ROOT}*`] },
      'UNLOAD writes one folder per run and partition under curated/_unload/ (keys made by Redshift); writes nowhere else.',
    );

    this.adminSecret = new secretsmanager.Secret(this, 'AdminSecret', {
      description: `gridlake: Redshift Serverless admin credentials (${props.name}); used by the schema migrations at deploy time`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: ADMIN_USER }),
        generateStringKey: 'password',
        passwordLength: 32,
        requireEachIncludedType: true,
        // Redshift passwords may not contain these.
        excludeCharacters: `"'\\/@ `,
      },
      removalPolicy: removal,
    });
    Validations.of(this.adminSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Not rotated automatically yet: the namespace takes this password at creation (CloudFormation dynamic reference), and a rotation ' +
        'would have to set the new password with redshift-serverless UpdateNamespace (adminUserPassword) in the same step. ' +
        'docs/DEPLOY.md describes the manual rotation; a rotation Lambda needs no VPC access, it is simply not written.',
    });

    this.namespace = new redshiftserverless.CfnNamespace(this, 'Namespace', {
      namespaceName: props.name,
      dbName: this.databaseName,
      adminUsername: ADMIN_USER,
      adminUserPassword: this.adminSecret.secretValueFromJson('password').unsafeUnwrap(),
      iamRoles: [this.copyRole.roleArn],
      defaultIamRoleArn: this.copyRole.roleArn,
      logExports: ['userlog', 'connectionlog', 'useractivitylog'],
    });
    this.namespace.applyRemovalPolicy(removal);

    this.workgroupName = props.name;
    this.workgroup = new redshiftserverless.CfnWorkgroup(this, 'Workgroup', {
      workgroupName: this.workgroupName,
      namespaceName: props.name,
      baseCapacity: props.baseCapacityRpu ?? 8,
      maxCapacity: props.maxCapacityRpu ?? 16,
      // Reached only through the Data API (IAM-authenticated HTTPS): no public endpoint.
      publiclyAccessible: false,
      enhancedVpcRouting: false,
      subnetIds: props.network.subnetIds,
      securityGroupIds: props.network.securityGroupIds,
    });
    this.workgroup.node.addDependency(this.namespace);
    this.workgroup.applyRemovalPolicy(removal);

    this.workgroupArn = this.workgroup.attrWorkgroupWorkgroupArn;
    this.adminSecretArn = this.adminSecret.secretArn;

    this.addUsageLimit(props.dailyRpuHoursLimit ?? 16, props.usageLimitBreachAction ?? 'emit-metric');
  }

  /**
   * Lets `grantee` run SQL through the Data API as ITSELF: with the workgroup name and no SecretArn
   * the Data API calls redshift-serverless:GetCredentials with the caller's credentials, and the
   * database user is `IAMR:<role name>` (https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-access.html).
   * What that user may do inside the database is granted by the schema custom resource
   * (lib/warehouse-schema.ts: the gridlake_etl role), not by IAM.
   */
  grantDataAccess(grantee: iam.IGrantable): void {
    this.grantStatements(grantee);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['redshift-serverless:GetCredentials'], resources: [this.workgroupArn] }),
    );
  }

  /** Lets `grantee` run SQL through the Data API as the admin user (the schema custom resource only). */
  grantAdminDataAccess(grantee: iam.IGrantable): void {
    this.grantStatements(grantee);
    // The Data API reads SecretArn with the caller's credentials.
    this.adminSecret.grantRead(grantee);
  }

  /** Data API statements on the workgroup, in sessions and on statement ids the caller owns. */
  private grantStatements(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'],
        resources: [this.workgroupArn],
      }),
    );
    // A statement sent with a SessionId (every statement of a transaction after its BEGIN) names no
    // workgroup, so it matches only a statement on Resource "*": the Data API's session condition
    // limits it to sessions this same role session opened
    // (https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-iam.html).
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'],
        resources: ['*'],
        conditions: { StringEquals: { 'redshift-data:session-owner-iam-userid': '${aws:userid}' } },
      }),
    );
    // Statement ids are created per call; the Data API scopes these to statements of the caller.
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['redshift-data:DescribeStatement', 'redshift-data:GetStatementResult', 'redshift-data:CancelStatement'],
        resources: ['*'],
        conditions: { StringEquals: { 'redshift-data:statement-owner-iam-userid': '${aws:userid}' } },
      }),
    );
  }

  private addUsageLimit(amount: number, breachAction: string): void {
    const limit = new cr.AwsCustomResource(this, 'DailyUsageLimit', {
      resourceType: 'Custom::RedshiftServerlessUsageLimit',
      installLatestAwsSdk: false,
      onCreate: {
        service: 'RedshiftServerless',
        action: 'createUsageLimit',
        parameters: { resourceArn: this.workgroupArn, usageType: 'serverless-compute', amount, period: 'daily', breachAction },
        physicalResourceId: cr.PhysicalResourceId.fromResponse('usageLimit.usageLimitId'),
      },
      onUpdate: {
        service: 'RedshiftServerless',
        action: 'updateUsageLimit',
        parameters: { usageLimitId: new cr.PhysicalResourceIdReference(), amount, breachAction },
        physicalResourceId: cr.PhysicalResourceId.fromResponse('usageLimit.usageLimitId'),
      },
      onDelete: {
        service: 'RedshiftServerless',
        action: 'deleteUsageLimit',
        parameters: { usageLimitId: new cr.PhysicalResourceIdReference() },
        ignoreErrorCodesMatching: 'ResourceNotFoundException',
      },
      // The Service Authorization Reference lists no resource type for Create/Update/DeleteUsageLimit
      // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonredshiftserverless.html),
      // so only a statement on Resource "*" can allow them: one naming the workgroup never matches.
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: USAGE_LIMIT_ACTIONS,
          resources: ['*'],
        }),
      ]),
    });
    limit.node.addDependency(this.workgroup);
    acknowledgeWildcards(
      limit,
      { resources: ['*'] },
      'redshift-serverless Create/Update/DeleteUsageLimit have no resource type in the Service Authorization Reference: Resource * is the only form IAM matches.',
    );
  }
}
