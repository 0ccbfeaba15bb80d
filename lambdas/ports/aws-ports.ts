/**
 * The cloud wiring of the ports, from the environment the CDK stack sets on each function
 * (lib/pipeline.ts). Called by `lambdas/ports/from-env.ts` when `GRIDLAKE_MODE=aws`.
 *
 * Each function receives only the variables of the resources it was granted; a port whose variables
 * are absent is still returned, but fails on first use with a message naming the missing variable,
 * instead of an AccessDenied from AWS. Secrets are read once per container.
 *
 * Variables:
 *   LAKE_BUCKET                       one bucket for every lake prefix (optional fallback), or per prefix:
 *   RAW_BUCKET                        raw/, landing/, reference/
 *   CURATED_BUCKET                    curated/ (COPY manifests go to curated/_manifests/)
 *   QUARANTINE_BUCKET                 quarantine/
 *   RESULTS_BUCKET                    results/, exports/ (device files)
 *   SITE_BUCKET                       the dashboard bucket (publish writes data/*.json)
 *   REDSHIFT_WORKGROUP, REDSHIFT_DATABASE  the Data API signs in as this function's IAM role (no secret)
 *   COPY_ROLE_ARN                     the role Redshift assumes for COPY
 *   ALERT_TOPIC_ARN                   SNS topic for alerts and failures
 *   SLACK_WEBHOOK_SECRET_ARN          optional: a secret holding a Slack incoming-webhook URL
 *   PSEUDONYM_SECRET_ARN              secret HMAC key for pseudonymising customer ids
 *   MARKET_API_KEY_SECRET_ARN         optional: the live market-price API key (collect only)
 *   EV_API_KEY_SECRET_ARN             optional: the national EV charger API's service key (collect only)
 */
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { fanOut, type Notifier } from './notifier';
import type { ObjectStore } from './object-store';
import { createTableSql } from '../datasets/create-table-sql';
import { RedshiftDataWarehouse } from './redshift-data-warehouse';
import { PrefixRoutedObjectStore, S3ObjectStore, s3ClientConfig, type LakePrefix } from './s3-object-store';
import { SnsNotifier } from './sns-notifier';
import type { Warehouse } from './warehouse';
import { WebhookNotifier } from './webhook-notifier';

export type Env = Record<string, string | undefined>;

export interface AwsPorts {
  lake: ObjectStore;
  site: ObjectStore;
  warehouse: Warehouse;
  notifier: Notifier;
  pseudonymKey: string;
  marketApiKey?: string;
  evApiKey?: string;
}

/** Clients are injectable so tests (and a future multi-region setup) can supply their own. */
export interface AwsClients {
  s3?: S3Client;
  redshiftData?: RedshiftDataClient;
  sns?: SNSClient;
  secrets?: SecretsManagerClient;
}

export class MissingEnvironmentError extends Error {
  override readonly name = 'MissingEnvironmentError';
  constructor(readonly variable: string, readonly purpose: string) {
    super(`${variable} is not set, so this function cannot ${purpose}. Grant the resource and set ${variable} in lib/pipeline.ts.`);
  }
}

/** Where each lake prefix lives: its own bucket variable, else LAKE_BUCKET. */
export const LAKE_ROUTES: Record<LakePrefix, string> = {
  'raw/': 'RAW_BUCKET',
  'landing/': 'RAW_BUCKET',
  'reference/': 'RAW_BUCKET',
  'curated/': 'CURATED_BUCKET',
  'quarantine/': 'QUARANTINE_BUCKET',
  'results/': 'RESULTS_BUCKET',
  'exports/': 'RESULTS_BUCKET',
};

export function lakeFromEnv(env: Env, s3: S3Client): PrefixRoutedObjectStore {
  const stores = new Map<string, S3ObjectStore>();
  const routes: Partial<Record<LakePrefix, S3ObjectStore>> = {};
  for (const [prefix, variable] of Object.entries(LAKE_ROUTES) as Array<[LakePrefix, string]>) {
    const bucket = env[variable] || env.LAKE_BUCKET;
    if (!bucket) continue;
    if (!stores.has(bucket)) stores.set(bucket, new S3ObjectStore(s3, bucket));
    routes[prefix] = stores.get(bucket)!;
  }
  return new PrefixRoutedObjectStore(routes);
}

/** A port that was not granted to this function: constructing it is fine, using it explains why not. */
function unavailable<T extends object>(variable: string, purpose: string, extra: Partial<T> = {}): T {
  return new Proxy(extra as T, {
    get(target, prop) {
      if (prop in target) return (target as Record<string | symbol, unknown>)[prop];
      if (prop === 'then') return undefined; // not a thenable
      if (prop === 'close') return async () => {};
      return async () => {
        throw new MissingEnvironmentError(variable, purpose);
      };
    },
  });
}

async function readSecret(secrets: SecretsManagerClient, arn: string, variable: string): Promise<string> {
  try {
    const out = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
    if (!out.SecretString) throw new Error('the secret has no string value');
    return out.SecretString;
  } catch (e) {
    throw new Error(`Could not read the secret in ${variable} (${arn}): ${(e as Error).message}`, { cause: e });
  }
}

/**
 * A webhook secret may hold the bare URL or JSON `{"url": "..."}`. Anything else — the random value
 * CloudFormation generates for a secret nobody filled yet, an empty string, JSON without a URL — means
 * "not configured": undefined, never an exception that would take the function down.
 */
export function webhookUrlFromSecret(secret: string): string | undefined {
  const text = secret.trim();
  let candidate: unknown = text;
  if (text.startsWith('{')) {
    try {
      candidate = (JSON.parse(text) as { url?: unknown }).url;
    } catch {
      return undefined;
    }
  }
  if (typeof candidate !== 'string') return undefined;
  try {
    const url = new URL(candidate);
    return url.protocol === 'https:' || url.protocol === 'http:' ? candidate : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @param warn where "not configured" notes go (once per container: the ports are built once).
 */
export async function createAwsPorts(env: Env, clients: AwsClients = {}, warn: (message: string) => void = (m) => console.warn(m)): Promise<AwsPorts> {
  const s3 = clients.s3 ?? new S3Client(s3ClientConfig());
  const lake = lakeFromEnv(env, s3);
  const site: ObjectStore = env.SITE_BUCKET
    ? new S3ObjectStore(s3, env.SITE_BUCKET)
    : unavailable<ObjectStore>('SITE_BUCKET', 'write the dashboard site', { location: 's3://(no SITE_BUCKET)' });

  const warehouse: Warehouse =
    env.REDSHIFT_WORKGROUP && env.REDSHIFT_DATABASE
      ? new RedshiftDataWarehouse({
          client: clients.redshiftData ?? new RedshiftDataClient({}),
          workgroupName: env.REDSHIFT_WORKGROUP,
          database: env.REDSHIFT_DATABASE,
          // No SecretArn: temporary credentials for this function's role, database user IAMR:<role>
          // with the gridlake_etl role (lambdas/schema/access.ts). The admin secret is not readable here.
          copyRoleArn: env.COPY_ROLE_ARN || undefined,
          lake,
        })
      : unavailable<Warehouse>(env.REDSHIFT_WORKGROUP ? 'REDSHIFT_DATABASE' : 'REDSHIFT_WORKGROUP', 'reach the warehouse', {
          createTableSql: (dataset) => createTableSql(dataset, { redshift: true }),
        });

  const secrets =
    clients.secrets ??
    (env.SLACK_WEBHOOK_SECRET_ARN || env.PSEUDONYM_SECRET_ARN || env.MARKET_API_KEY_SECRET_ARN || env.EV_API_KEY_SECRET_ARN ? new SecretsManagerClient({}) : undefined);
  const channels: Notifier[] = [];
  if (env.ALERT_TOPIC_ARN) channels.push(new SnsNotifier(clients.sns ?? new SNSClient({}), env.ALERT_TOPIC_ARN));
  if (env.SLACK_WEBHOOK_SECRET_ARN) {
    const url = webhookUrlFromSecret(await readSecret(secrets!, env.SLACK_WEBHOOK_SECRET_ARN, 'SLACK_WEBHOOK_SECRET_ARN'));
    if (url) channels.push(new WebhookNotifier(url));
    else {
      warn(
        `The Slack webhook is not configured: the secret in SLACK_WEBHOOK_SECRET_ARN (${env.SLACK_WEBHOOK_SECRET_ARN}) holds no http(s) URL ` +
          '(a secret CloudFormation created but nobody filled holds a random string). Notifications go to SNS only; put the webhook URL in the secret to enable Slack.',
      );
    }
  }
  const notifier: Notifier = channels.length ? fanOut(...channels) : unavailable<Notifier>('ALERT_TOPIC_ARN', 'send notifications');

  // Functions that never pseudonymise get no key (and no access to the secret): '' is never a valid key.
  const pseudonymKey = env.PSEUDONYM_SECRET_ARN ? (await readSecret(secrets!, env.PSEUDONYM_SECRET_ARN, 'PSEUDONYM_SECRET_ARN')).trim() : '';

  // Only the collect function gets the live market API key, and only when the stage enables it.
  const marketApiKey = env.MARKET_API_KEY_SECRET_ARN
    ? (await readSecret(secrets!, env.MARKET_API_KEY_SECRET_ARN, 'MARKET_API_KEY_SECRET_ARN')).trim()
    : undefined;
  // Likewise the national EV charger API's service key (a stage with evApi).
  const evApiKey = env.EV_API_KEY_SECRET_ARN ? (await readSecret(secrets!, env.EV_API_KEY_SECRET_ARN, 'EV_API_KEY_SECRET_ARN')).trim() : undefined;

  return { lake, site, warehouse, notifier, pseudonymKey, marketApiKey, evApiKey };
}
