/**
 * The data lake: one bucket per zone (raw, curated, quarantine, results), all encrypted, private,
 * TLS-only, with server access logs in a separate bucket. Raw data is versioned (it is the only copy
 * of what sources sent) and ages into cheaper storage; quarantined records expire.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { removalPolicy } from './removal';

export interface DataLakeProps {
  /** `destroy` empties and deletes the buckets with the stack; `retain` keeps them. Default `retain`. */
  removal?: 'destroy' | 'retain';
  /** Days until raw objects move to Infrequent Access. Default 30 (S3's minimum). */
  rawInfrequentAccessDays?: number;
  /** Days until raw objects move to Glacier Flexible Retrieval. Default 90. */
  rawGlacierDays?: number;
  /** Days until quarantined records expire. Default 30. */
  quarantineExpiryDays?: number;
}

export class DataLake extends Construct {
  readonly raw: s3.Bucket;
  readonly curated: s3.Bucket;
  readonly quarantine: s3.Bucket;
  readonly results: s3.Bucket;
  /** Receives the server access logs of every lake bucket (and of the dashboard bucket). */
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataLakeProps = {}) {
    super(scope, id);
    const destroy = props.removal === 'destroy';
    const common: s3.BucketProps = {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: removalPolicy(destroy ? 'destroy' : 'retain'),
      autoDeleteObjects: destroy,
    };

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...common,
      // S3 log delivery writes with the bucket owner's identity; ownership must allow it.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would loop.',
    });

    const logged = (prefix: string): s3.BucketProps => ({ ...common, serverAccessLogsBucket: this.accessLogs, serverAccessLogsPrefix: `${prefix}/` });

    this.raw = new s3.Bucket(this, 'Raw', {
      ...logged('raw'),
      versioned: true,
      lifecycleRules: [
        {
          id: 'raw-ages-to-cold-storage',
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(props.rawInfrequentAccessDays ?? 30) },
            { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(props.rawGlacierDays ?? 90) },
          ],
          // Replaced versions are only for recovering from a bad re-collect: keep them 30 days.
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    this.curated = new s3.Bucket(this, 'Curated', {
      ...logged('curated'),
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        // COPY manifests are only needed while the load runs.
        { id: 'expire-copy-manifests', prefix: 'curated/_manifests/', expiration: Duration.days(7) },
        // UNLOAD output (lambdas/ports/warehouse.ts UnloadStatement) is read back by the same run.
        { id: 'expire-unloads', prefix: 'curated/_unload/', expiration: Duration.days(7) },
      ],
    });
    this.quarantine = new s3.Bucket(this, 'Quarantine', {
      ...logged('quarantine'),
      lifecycleRules: [{ id: 'quarantine-expires', expiration: Duration.days(props.quarantineExpiryDays ?? 30) }],
    });
    this.results = new s3.Bucket(this, 'Results', {
      ...logged('results'),
      lifecycleRules: [{ id: 'expire-old-run-results', prefix: 'results/runs/', expiration: Duration.days(400) }],
    });
  }
}
