/**
 * What each cloud adapter call needs from IAM: for every port operation, the IAM actions the AWS
 * adapter's requests are authorized as and the resource each names. The adapters
 * (s3-object-store.ts, redshift-data-warehouse.ts, sns-notifier.ts, aws-ports.ts for secrets) point
 * here; test/iam/iam-simulation.test.ts records the port operations of a local workflow run and
 * simulates every call declared here against the synthesized role of the function that made it.
 *
 * Resources are named by the environment variable that carries them to the function (the stack sets
 * those, lib/pipeline.ts), so a declaration means the same thing in every stage. Sources:
 *   S3 actions per API:  https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
 *   Data API and IAM:    https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-iam.html,
 *                        https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-access.html (GetCredentials, GetSecretValue)
 *   SNS with SSE-KMS:    https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
 *   Service Authorization Reference (resource types, condition keys): https://docs.aws.amazon.com/service-authorization/latest/reference/
 *
 * Pure data, no AWS SDK and no IAM evaluator: safe to import anywhere.
 */
import { LAKE_PREFIXES } from './s3-object-store';
import { LAKE_ROUTES } from './aws-ports';
import { bindParameters, dataApiTransactionMode } from './redshift-data-warehouse';
import { isCopy, isUnload, type BatchItem } from './warehouse';

/** The resource of one call, named by the environment variable that carries it. */
export type IamResource =
  /** An object: `arn:aws:s3:::<bucket>/<key>`. */
  | { type: 'object'; bucketVariable: string; key: string }
  /** A bucket (ListBucket): `arn:aws:s3:::<bucket>`, with the listed prefix as `s3:prefix`. */
  | { type: 'bucket'; bucketVariable: string; prefix?: string }
  /** The Redshift Serverless workgroup named by REDSHIFT_WORKGROUP. */
  | { type: 'workgroup' }
  /** A Data API statement id (Describe/GetStatementResult/Cancel): no resource type; `redshift-data:statement-owner-iam-userid`. */
  | { type: 'statement' }
  /** A statement sent by SessionId: names no workgroup; `redshift-data:session-owner-iam-userid`. */
  | { type: 'session' }
  /** A secret named by an ARN variable. */
  | { type: 'secret'; variable: string }
  /** The SNS topic named by ALERT_TOPIC_ARN, or the KMS key that encrypts it. */
  | { type: 'topic' }
  | { type: 'topic-key' };

export interface IamCall {
  /** `service:Action` as the Service Authorization Reference spells it. */
  action: string;
  resource: IamResource;
  /** Which request of the adapter this is, for messages. */
  request: string;
}

export type ObjectStoreOperation = 'get' | 'getFile' | 'put' | 'putFile' | 'list' | 'exists' | 'delete';

/** The bucket variable of a key: the lake routes by first path segment (aws-ports.ts), the site is one bucket. */
export function bucketVariable(store: 'lake' | 'site', key: string): string {
  if (store === 'site') return 'SITE_BUCKET';
  const prefix = LAKE_PREFIXES.find((p) => key.startsWith(p));
  if (!prefix) throw new Error(`Lake key "${key}" starts with none of ${LAKE_PREFIXES.join(', ')}.`);
  return LAKE_ROUTES[prefix];
}

/** S3ObjectStore (s3-object-store.ts), one operation. */
export function objectStoreCalls(store: 'lake' | 'site', operation: ObjectStoreOperation, key: string): IamCall[] {
  const bucket = bucketVariable(store, key);
  const object: IamResource = { type: 'object', bucketVariable: bucket, key };
  // Without s3:ListBucket, S3 answers a missing key with 403 AccessDenied instead of 404 NoSuchKey
  // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, API_HeadObject.html), and
  // the port's ObjectNotFoundError / exists() = false depend on the 404.
  const listForNotFound: IamCall = { action: 's3:ListBucket', resource: { type: 'bucket', bucketVariable: bucket }, request: `${operation} (404 for a missing key)` };
  switch (operation) {
    case 'get':
    case 'getFile':
      return [{ action: 's3:GetObject', resource: object, request: 'GetObject' }, listForNotFound];
    case 'exists':
      return [{ action: 's3:GetObject', resource: object, request: 'HeadObject' }, listForNotFound];
    case 'put':
      return [{ action: 's3:PutObject', resource: object, request: 'PutObject' }];
    case 'putFile':
      // lib-storage Upload: PutObject, or Create/UploadPart/CompleteMultipartUpload (all s3:PutObject),
      // and AbortMultipartUpload when a part fails (leavePartsOnError: false).
      return [
        { action: 's3:PutObject', resource: object, request: 'PutObject / multipart upload' },
        { action: 's3:AbortMultipartUpload', resource: object, request: 'AbortMultipartUpload (on a failed part)' },
      ];
    case 'list':
      return [{ action: 's3:ListBucket', resource: { type: 'bucket', bucketVariable: bucket, prefix: key }, request: 'ListObjectsV2' }];
    case 'delete':
      return [{ action: 's3:DeleteObject', resource: object, request: 'DeleteObject' }];
  }
}

/**
 * How a warehouse signs in to the Data API. The pipeline's functions pass no SecretArn: the Data API
 * gets temporary credentials for the caller's role (redshift-serverless:GetCredentials on the
 * workgroup) and the database user is `IAMR:<role name>`
 * (https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-access.html). Only the schema custom
 * resource (lambdas/handlers/schema-migrations.ts) signs in as the admin, whose secret the Data API
 * reads with the caller's credentials.
 */
export type WarehouseAuth = { type: 'iam-role' } | { type: 'secret'; variable: string };
export const PIPELINE_AUTH: WarehouseAuth = { type: 'iam-role' };

function authCall(auth: WarehouseAuth): IamCall {
  return auth.type === 'iam-role'
    ? { action: 'redshift-serverless:GetCredentials', resource: { type: 'workgroup' }, request: 'Data API temporary credentials (no SecretArn)' }
    : { action: 'secretsmanager:GetSecretValue', resource: { type: 'secret', variable: auth.variable }, request: 'Data API reading SecretArn' };
}

/** What every Data API statement needs besides starting it: polling, cancel on deadline, signing in. */
function statementFollowUps(withResult: boolean, auth: WarehouseAuth): IamCall[] {
  return [
    { action: 'redshift-data:DescribeStatement', resource: { type: 'statement' }, request: 'DescribeStatement (polling)' },
    ...(withResult ? [{ action: 'redshift-data:GetStatementResult', resource: { type: 'statement' } as IamResource, request: 'GetStatementResult' }] : []),
    { action: 'redshift-data:CancelStatement', resource: { type: 'statement' }, request: 'CancelStatement (deadline)' },
    authCall(auth),
  ];
}

/** RedshiftDataWarehouse.query / execute (redshift-data-warehouse.ts): one ExecuteStatement on the workgroup. */
export function warehouseStatementCalls(operation: 'query' | 'execute', auth: WarehouseAuth = PIPELINE_AUTH): IamCall[] {
  return [{ action: 'redshift-data:ExecuteStatement', resource: { type: 'workgroup' }, request: 'ExecuteStatement' }, ...statementFollowUps(operation === 'query', auth)];
}

/**
 * RedshiftDataWarehouse.transaction: a BatchExecuteStatement, or a session (BEGIN on the workgroup,
 * the items, COMMIT or ROLLBACK by SessionId), chosen by the adapter's own dataApiTransactionMode.
 * COPY items also list the Parquet keys and write a manifest into the lake (curated/_manifests/).
 */
export function warehouseTransactionCalls(items: BatchItem[], auth: WarehouseAuth = PIPELINE_AUTH): IamCall[] {
  // As the adapter prepares them: a COPY of no keys is skipped, a COPY has no parameters.
  const prepared = items.flatMap<{ parameters: readonly unknown[]; check?: string }>((item) =>
    isCopy(item) ? (item.copyParquet.keys.length ? [{ parameters: [] }] : []) : isUnload(item) ? [{ parameters: [] }] : [{ ...bindParameters(item), check: item.failIfRows }],
  );
  if (prepared.length === 0) return [];
  const calls: IamCall[] =
    dataApiTransactionMode(prepared) === 'batch'
      ? [{ action: 'redshift-data:BatchExecuteStatement', resource: { type: 'workgroup' }, request: 'BatchExecuteStatement' }]
      : [
          { action: 'redshift-data:ExecuteStatement', resource: { type: 'workgroup' }, request: 'ExecuteStatement BEGIN (opens the session)' },
          { action: 'redshift-data:ExecuteStatement', resource: { type: 'session' }, request: 'ExecuteStatement by SessionId (items, COMMIT, ROLLBACK)' },
        ];
  calls.push(...statementFollowUps(true, auth));
  for (const item of items) {
    if (!isCopy(item)) continue;
    for (const key of item.copyParquet.keys) calls.push(...objectStoreCalls('lake', 'list', key));
    calls.push(...objectStoreCalls('lake', 'put', copyManifestKey(item.name)));
  }
  return calls;
}

/** A manifest key as the adapter writes it (its digest does not matter to IAM). */
export function copyManifestKey(statementName: string): string {
  return `curated/_manifests/${statementName}-0000000000000000.manifest`;
}

/**
 * What the COPY role (the namespace's default IAM role, assumed by Redshift) reads for one COPY:
 * the manifest and each Parquet object, with LIST on the bucket
 * (https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-access-permissions.html).
 */
export function copyRoleCalls(statementName: string, keys: string[]): IamCall[] {
  return [copyManifestKey(statementName), ...keys].flatMap((key) => [
    { action: 's3:GetObject', resource: { type: 'object', bucketVariable: 'CURATED_BUCKET', key } as IamResource, request: `COPY reads ${key}` },
    { action: 's3:ListBucket', resource: { type: 'bucket', bucketVariable: 'CURATED_BUCKET', prefix: key } as IamResource, request: 'COPY lists the bucket' },
  ]);
}

/**
 * What the COPY role (assumed by Redshift) does for one UNLOAD … PARTITION BY … CLEANPATH
 * (redshift-sql-text.ts): lists the prefix, deletes what an earlier UNLOAD left in the folders it
 * writes (CLEANPATH needs s3:DeleteObject), and puts the Parquet files
 * (https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html). The function that sends the UNLOAD
 * makes no S3 request of its own: its calls are the Data API's (warehouseTransactionCalls).
 * Object keys are examples of what Redshift names (`<prefix><col>=<value>/0000_part_00.parquet`).
 */
export function unloadRoleCalls(prefix: string, partitionBy: readonly string[] = []): IamCall[] {
  const folder = prefix + partitionBy.map((c) => `${c}=0/`).join('');
  const key = `${folder}0000_part_00.parquet`;
  const object = { type: 'object', bucketVariable: bucketVariable('lake', key), key } as IamResource;
  return [
    { action: 's3:ListBucket', resource: { type: 'bucket', bucketVariable: bucketVariable('lake', prefix), prefix: folder }, request: 'UNLOAD CLEANPATH lists the folder' },
    { action: 's3:DeleteObject', resource: object, request: `UNLOAD CLEANPATH deletes ${key}` },
    { action: 's3:PutObject', resource: object, request: `UNLOAD writes ${key}` },
  ];
}

/**
 * What a function that reads an unload back needs (through the lake port: list the prefix or a
 * partition folder, then get each `.parquet` key): the same as objectStoreCalls 'list' and 'get'.
 * For a reader that does not go through a recorded port (e.g. DuckDB reading s3:// itself), declare
 * these for its function in test/iam.
 */
export function unloadReadCalls(prefix: string): IamCall[] {
  return [...objectStoreCalls('lake', 'list', prefix), ...objectStoreCalls('lake', 'get', `${prefix}0000_part_00.parquet`)];
}

/** SnsNotifier.notify (sns-notifier.ts): Publish, and the data key of the topic's KMS key (SSE). */
export function notifierCalls(): IamCall[] {
  return [
    { action: 'sns:Publish', resource: { type: 'topic' }, request: 'Publish' },
    { action: 'kms:GenerateDataKey', resource: { type: 'topic-key' }, request: 'Publish to an SSE-KMS topic' },
    { action: 'kms:Decrypt', resource: { type: 'topic-key' }, request: 'Publish to an SSE-KMS topic' },
  ];
}

/** createAwsPorts (aws-ports.ts) reads these secrets once per container when their variable is set. */
export const SECRETS_READ_AT_START = ['SLACK_WEBHOOK_SECRET_ARN', 'PSEUDONYM_SECRET_ARN', 'MARKET_API_KEY_SECRET_ARN', 'EV_API_KEY_SECRET_ARN'] as const;

export function secretCalls(variable: string): IamCall[] {
  return [{ action: 'secretsmanager:GetSecretValue', resource: { type: 'secret', variable }, request: `GetSecretValue ${variable}` }];
}
