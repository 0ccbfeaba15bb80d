/**
 * Sign-in in front of a private dashboard: a Cognito user pool (no self sign-up: the platform team
 * creates users), its hosted sign-in domain and app client, and the viewer-request Lambda@Edge
 * function (lambdas/edge/viewer-request.ts, cognito-at-edge) that the distribution runs on every
 * behaviour.
 *
 * Lambda@Edge rules this construct follows
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-restrictions.html and its
 * Lambda@Edge page https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-at-edge-function-restrictions.html,
 * quotas: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-lambda-at-edge):
 * - the function lives in us-east-1 and is associated by a numbered version;
 * - its role trusts edgelambda.amazonaws.com as well as lambda.amazonaws.com;
 * - no environment variables; viewer-request functions get at most 128 MB and 5 s, and a package of
 *   at most 1 MB (test/cdk/edge-bundle.test.ts measures ours).
 *
 * Where the function is created:
 * - stack region us-east-1, or not set (an environment-agnostic stage): a plain function in this
 *   stack, so its role sits in the stack's template with the other function roles. An env-agnostic
 *   stage with private access must then be deployed to us-east-1 — CloudFront refuses to associate a
 *   function from another region — and synth says so as a warning.
 * - any other explicit region: `cloudfront.experimental.EdgeFunction`, which puts the function in a
 *   stack of its own in us-east-1 and hands its version ARN over through SSM.
 *
 * Why the configuration is read at cold start instead of baked into the bundle: the function
 * version must exist before the distribution, the app client's callback URL is the distribution's
 * domain, and the pool and client ids are only known once CloudFormation created them — so the
 * bundle cannot contain them. What is baked at synth (esbuild `define`) is where to find them: a
 * Secrets Manager secret with a fixed name, written by this construct after the client exists.
 */
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { Annotations, AssetHashType, Aws, DockerImage, Duration, RemovalPolicy, SecretValue, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { SignInConfigLocation } from '../lambdas/edge/sign-in-config';
import { edgeBundleOptions } from './bundling/edge-bundle';
import { LAMBDA_BASIC_EXECUTION } from './nag';
import { removalPolicy } from './removal';

export type DashboardMfa = 'off' | 'optional' | 'required';

export interface DashboardSignInProps {
  /** Repository root (the handler is bundled from lambdas/edge/). */
  projectRoot: string;
  /** Stage name: part of the sign-in domain prefix and the configuration secret's name. */
  stageName: string;
  /** Multi-factor sign-in with an authenticator app (TOTP). Default `optional`. */
  mfa?: DashboardMfa;
  /** Hosted sign-in domain prefix (`<prefix>.auth.<region>.amazoncognito.com`). Default `gridlake-<stage>-<account>`. */
  domainPrefix?: string;
  /** `destroy` removes the user pool (and its users) with the stack. Default `retain`. */
  removal?: 'destroy' | 'retain';
}

const EDGE_REGION = 'us-east-1';

export class DashboardSignIn extends Construct {
  readonly userPool: cognito.UserPool;
  readonly domain: cognito.UserPoolDomain;
  /** The numbered version CloudFront runs at viewer request. */
  readonly checkVersion: lambda.IVersion;
  /** The function itself (in this stack, or in the us-east-1 edge stack). */
  readonly checkFunction: lambda.IFunction;
  /** Where the deployed function reads its configuration (baked into the bundle). */
  readonly configLocation: SignInConfigLocation;
  private client?: cognito.UserPoolClient;
  private readonly removal: 'destroy' | 'retain';

  constructor(scope: Construct, id: string, props: DashboardSignInProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.removal = props.removal ?? 'retain';
    const mfa = props.mfa ?? 'optional';

    this.userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: `${stack.stackName}-dashboard`,
      // Stakeholders are invited by the platform team (docs/DEPLOY.md, admin-create-user).
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      mfa: { off: cognito.Mfa.OFF, optional: cognito.Mfa.OPTIONAL, required: cognito.Mfa.REQUIRED }[mfa],
      mfaSecondFactor: mfa === 'off' ? undefined : { sms: false, otp: true },
      passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Kept on stack delete and replacement with `retain` (lib/removal.ts). No Cognito deletion
      // protection: it would also stop a failed first deploy's rollback from deleting the pool.
      removalPolicy: removalPolicy(this.removal),
    });
    this.domain = this.userPool.addDomain('SignInDomain', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? `gridlake-${props.stageName}-${stack.account}` },
    });
    if (mfa !== 'required') {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG2',
        reason: `Stage "${props.stageName}" sets dashboard.mfa = "${mfa}": users ${mfa === 'optional' ? 'may enrol an authenticator app' : 'sign in with a password only'}. Set "required" in cdk.json to enforce MFA.`,
      });
    }
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason: 'Threat protection needs the Cognito Plus plan (charged per active user); the pool has no self sign-up and only users the platform team creates.',
    });

    const stackRegion = stack.region;
    const inStack = Token.isUnresolved(stackRegion) || stackRegion === EDGE_REGION;
    this.configLocation = { secretId: `gridlake/${stack.stackName}/dashboard-sign-in`, region: inStack ? EDGE_REGION : stackRegion };
    const code = this.bundle(props.projectRoot);
    const functionProps = {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code,
      // Viewer-request limits: 128 MB, 5 s.
      memorySize: 128,
      timeout: Duration.seconds(5),
      description: `gridlake ${props.stageName}: dashboard sign-in check (CloudFront viewer request)`,
    };
    const readConfig = new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'],
      // By name: a reference to the secret would make the function depend on the distribution (see above).
      // Secrets Manager appends six random characters to the name.
      // The secret is in this stack's region (us-east-1 whenever the function is in this stack).
      resources: [`arn:${Aws.PARTITION}:secretsmanager:${inStack ? Aws.REGION : stackRegion}:${Aws.ACCOUNT_ID}:secret:${this.configLocation.secretId}-??????`],
    });

    if (inStack) {
      if (Token.isUnresolved(stackRegion)) {
        Annotations.of(this).addWarningV2(
          'gridlake:dashboardSignInRegion',
          'dashboard.access is "private" on an environment-agnostic stage: deploy it to us-east-1 (Lambda@Edge), or set stages.<name>.region to deploy elsewhere.',
        );
      }
      const role = new iam.Role(this, 'CheckRole', {
        description: 'gridlake dashboard sign-in check (Lambda@Edge)',
        assumedBy: new iam.CompositePrincipal(new iam.ServicePrincipal('lambda.amazonaws.com'), new iam.ServicePrincipal('edgelambda.amazonaws.com')),
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
      });
      role.addToPolicy(readConfig);
      const fn = new lambda.Function(this, 'Check', { ...functionProps, role });
      this.checkFunction = fn;
      this.checkVersion = fn.currentVersion;
    } else {
      const fn = new cloudfront.experimental.EdgeFunction(this, 'Check', functionProps);
      fn.addToRolePolicy(readConfig);
      this.checkFunction = fn;
      this.checkVersion = fn.currentVersion;
    }
    // The real function: here, or inside the edge stack (EdgeFunction's default child).
    const realFunction = this.checkFunction instanceof cloudfront.experimental.EdgeFunction ? (this.checkFunction.node.defaultChild as lambda.Function) : (this.checkFunction as lambda.Function);
    // Lambda@Edge replicas outlive the distribution's association for hours, so the function cannot be
    // deleted with the stack. It has no fixed name, so a kept function never blocks a later deploy.
    realFunction.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Validations.of(realFunction === this.checkFunction ? this : realFunction).acknowledge(
      {
        id: LAMBDA_BASIC_EXECUTION,
        reason:
          'AWSLambdaBasicExecutionRole allows CreateLogGroup/CreateLogStream/PutLogEvents on any log group. A Lambda@Edge function logs to /aws/lambda/us-east-1.<name> in the region of whichever edge location ran it, so a narrower policy would still need a wildcard region (an IAM5 finding instead); the function holds no data worth writing elsewhere.',
      },
      { id: 'AwsSolutions-L1', reason: 'The sign-in bundle is built for and tested on Node.js 22 (esbuild target node22), a runtime Lambda@Edge supports.' },
    );
  }

  /** The viewer-request associations for a behaviour. */
  get edgeLambdas(): cloudfront.EdgeLambda[] {
    return [{ functionVersion: this.checkVersion, eventType: cloudfront.LambdaEdgeEventType.VIEWER_REQUEST }];
  }

  /**
   * Creates what needs the distribution: the app client whose callback is the dashboard URL, and
   * the configuration secret the check reads. Call once, after the distribution exists.
   */
  connect(distribution: cloudfront.IDistribution): cognito.UserPoolClient {
    if (this.client) throw new Error('DashboardSignIn.connect: already connected to a distribution.');
    // cognito-at-edge sends readers back to https://<host> (no path); Cognito compares callback URLs exactly.
    const url = `https://${distribution.distributionDomainName}`;
    this.client = this.userPool.addClient('Dashboard', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [url],
        logoutUrls: [url],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    const stack = Stack.of(this);
    const config = new secretsmanager.Secret(this, 'Config', {
      secretName: this.configLocation.secretId,
      description: 'gridlake: where the dashboard sign-in check finds its user pool (pool id, client id, domain; not secret)',
      // Deliberately plain: these values appear in every sign-in redirect. Secrets Manager is only the store the edge function can read at cold start.
      secretStringValue: SecretValue.unsafePlainText(
        stack.toJsonString({
          region: stack.region,
          userPoolId: this.userPool.userPoolId,
          clientId: this.client.userPoolClientId,
          domain: `${this.domain.domainName}.auth.${stack.region}.amazoncognito.com`,
        }),
      ),
      removalPolicy: removalPolicy(this.removal),
    });
    Validations.of(config).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Holds identifiers CloudFormation generates (user pool id, app client id, domain), not credentials: there is nothing to rotate.',
    });
    return this.client;
  }

  /** Bundles the check with esbuild at synth (no Docker), with the configuration's location baked in. */
  private bundle(projectRoot: string): lambda.Code {
    const location = this.configLocation;
    return lambda.Code.fromAsset(join(projectRoot, 'lambdas', 'edge'), {
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Never pulled: local bundling always succeeds or throws.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
        local: {
          tryBundle(outputDir) {
            buildSync(edgeBundleOptions(projectRoot, location, join(outputDir, 'index.js')));
            return true;
          },
        },
      },
    });
  }
}
