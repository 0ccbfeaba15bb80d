/**
 * The stakeholders' dashboard: a private bucket served by CloudFront through Origin Access Control,
 * with a security-headers policy. The built site (dashboard/dist, `npm run build:dashboard`) is
 * deployed by BucketDeployment; the publish step writes data/*.json next to it, so the deployment
 * never prunes data/.
 */
import { existsSync } from 'node:fs';
import { CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { DashboardAccess } from '../lambdas/config';
import { DashboardSignIn, type DashboardMfa } from './dashboard-sign-in';
import { acknowledgeWildcards, LAMBDA_BASIC_EXECUTION, nagRef, S3_GRANT_ACTIONS } from './nag';

export interface DashboardSiteProps {
  /** Folder of the built dashboard. If it does not exist, a placeholder page is deployed. */
  distDir: string;
  /** Bucket for S3 and CloudFront access logs. */
  accessLogs: s3.IBucket;
  /** `destroy` removes the bucket with the stack. Default `retain`. */
  removal?: 'destroy' | 'retain';
  /**
   * `private` (default): readers sign in (Cognito) before CloudFront serves the page or data/.
   * `public-aggregates`: no sign-in; the publish step then writes aggregates only (config
   * `dashboard.access`, lambdas/steps/publication-policy.ts).
   */
  access?: DashboardAccess;
  /** Sign-in settings when private. */
  signIn?: { projectRoot: string; stageName: string; mfa?: DashboardMfa; domainPrefix?: string };
}

const PLACEHOLDER =
  '<!doctype html><html lang="en"><meta charset="utf-8"><title>gridlake</title>' +
  '<p>The dashboard has not been built: run <code>npm run build:dashboard</code> and deploy again.</p></html>';

/** How cdk-nag prints the stack's account or region in a finding: the value, or the pseudo parameter of an env-agnostic stack. */
function envPart(scope: Construct, part: 'account' | 'region'): string {
  const value = Stack.of(scope)[part];
  return Token.isUnresolved(value) ? (part === 'account' ? '<AWS::AccountId>' : '<AWS::Region>') : value;
}

export class DashboardSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly url: string;
  /** The sign-in in front of the site; absent when the stage publishes aggregates publicly. */
  readonly signIn?: DashboardSignIn;

  constructor(scope: Construct, id: string, props: DashboardSiteProps) {
    super(scope, id);
    const destroy = props.removal === 'destroy';
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'site/',
      removalPolicy: destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      autoDeleteObjects: destroy,
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'gridlake dashboard: strict security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          // The EV map's basemap: OpenStreetMap tiles as plain images (dashboard/src/ev-map.ts); nothing else leaves the site.
          contentSecurityPolicy: "default-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
          override: true,
        },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, preload: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
    });

    const access = props.access ?? 'private';
    if (access === 'private') {
      if (!props.signIn) throw new Error('DashboardSite: a private dashboard needs signIn settings (projectRoot, stageName).');
      this.signIn = new DashboardSignIn(this, 'SignIn', { ...props.signIn, removal: props.removal });
    }
    // Both behaviours run the same check: the data files are as private as the page.
    const edgeLambdas = this.signIn?.edgeLambdas;

    // One origin (one Origin Access Control) shared by both behaviours.
    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'gridlake dashboard',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: props.accessLogs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        compress: true,
        edgeLambdas,
      },
      additionalBehaviors: {
        // Results change with every run: revalidate them instead of caching for a day.
        'data/*': {
          origin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          responseHeadersPolicy: headers,
          cachePolicy: new cloudfront.CachePolicy(this, 'DataCache', {
            comment: 'gridlake results: short TTL',
            defaultTtl: Duration.minutes(5),
            maxTtl: Duration.minutes(5),
            minTtl: Duration.seconds(0),
            enableAcceptEncodingGzip: true,
            enableAcceptEncodingBrotli: true,
          }),
          compress: true,
          edgeLambdas,
        },
      },
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'The dashboard serves signed-in stakeholders (or, by a stage\'s choice, public aggregates) in any country; no geo restriction is wanted.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason: 'A static, read-only site behind OAC with no origin compute; WAF (≈$5+/month) can be added per stage if required.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason: 'Uses the default *.cloudfront.net certificate, which does not allow choosing the minimum TLS version; add a custom domain and certificate to enforce TLSv1.2_2021.',
    });

    new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [existsSync(props.distDir) ? s3deploy.Source.asset(props.distDir) : s3deploy.Source.data('index.html', PLACEHOLDER)],
      // data/*.json belongs to the publish step: never delete or overwrite it from a deploy.
      prune: false,
      exclude: ['data/*'],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });

    // BucketDeployment's singleton handler (CDK-provided code) lives at the stack root.
    const handler = Stack.of(this).node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (handler) {
      acknowledgeWildcards(
        handler,
        {
          actions: S3_GRANT_ACTIONS,
          resources: ['*', `${nagRef(this, this.bucket.bucketArn)}/*`, `arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${envPart(this, 'account')}-${envPart(this, 'region')}/*`],
        },
        'CDK BucketDeployment copies the site from the CDK assets bucket into the site bucket and invalidates CloudFront (no resource type for CreateInvalidation on this policy).',
      );
      Validations.of(handler).acknowledge({ id: LAMBDA_BASIC_EXECUTION, reason: 'CDK BucketDeployment handler writes only its own logs.' });
    }

    this.url = `https://${this.distribution.distributionDomainName}`;

    if (this.signIn) {
      const client = this.signIn.connect(this.distribution);
      // Fixed output names: docs/DEPLOY.md's add-a-user commands read them.
      const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description }).overrideLogicalId(id);
      output('DashboardUserPoolId', this.signIn.userPool.userPoolId, 'Cognito user pool of the dashboard readers (aws cognito-idp admin-create-user --user-pool-id …)');
      output('DashboardUserPoolClientId', client.userPoolClientId, 'App client of the dashboard sign-in');
      output('DashboardSignInDomain', this.signIn.domain.baseUrl(), 'Hosted sign-in of the dashboard');
    }
  }
}
