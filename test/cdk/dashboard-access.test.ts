/**
 * Who can see the hosted dashboard (stage `dashboard.access`), asserted on synthesised templates
 * with cdk-nag AwsSolutions on (bundling skipped; the edge bundle itself is measured in
 * edge-bundle.test.ts):
 * - `private` (the default): a Cognito user pool without self sign-up, and the same viewer-request
 *   Lambda@Edge version on the default and the data/* behaviour;
 * - `public-aggregates`: no sign-in at all, and the pipeline is told to publish aggregates only;
 * - a stage in another region: the function goes to a us-east-1 stack of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { GridlakeStack } from '../../lib/gridlake-stack';
import { stageConfig, StageConfigError } from '../../lib/stage-config';

const root = process.cwd();
const outdirs: string[] = [];
afterAll(() => {
  for (const d of outdirs) rmSync(d, { recursive: true, force: true });
});

/** Synthesises one stage (throws on any unacknowledged cdk-nag finding) and returns every stack's template. */
function synth(settings: Record<string, unknown>) {
  const outdir = mkdtempSync(join(tmpdir(), 'gridlake-cdk-access-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stage = stageConfig('dev', { dev: settings });
  const stack = new GridlakeStack(app, 'GridlakeAccess', {
    stage,
    projectRoot: root,
    env: stage.region ? { region: stage.region, account: stage.account } : undefined,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  const stacks = app.node.children.filter((c): c is Stack => c instanceof Stack);
  return { stack, main: Template.fromStack(stack), others: stacks.filter((s) => s !== stack).map((s) => Template.fromStack(s)) };
}

const resourcesOf = (t: Template, type: string) => Object.entries(t.toJSON().Resources as Record<string, { Type: string; Properties: any }>).filter(([, r]) => r.Type === type);
function behaviours(t: Template) {
  const [[, dist]] = resourcesOf(t, 'AWS::CloudFront::Distribution') as unknown as [[string, { Properties: any }]];
  const config = dist.Properties.DistributionConfig;
  return { default: config.DefaultCacheBehavior, data: config.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === 'data/*') };
}
const pipelineConfigs = (t: Template) =>
  resourcesOf(t, 'AWS::Lambda::Function')
    .map(([, f]) => f.Properties.Environment?.Variables?.GRIDLAKE_CONFIG)
    .filter((c): c is string => typeof c === 'string')
    .map((c) => JSON.parse(c));

describe('private dashboard (default)', () => {
  const { stack, main } = synth({});

  it('runs the same viewer-request Lambda@Edge version on the default and the data/* behaviour', () => {
    const b = behaviours(main);
    expect(b.data).toBeDefined();
    const version = stack.resolve(stack.site.signIn!.checkVersion.edgeArn) as { Ref: string };
    expect(main.toJSON().Resources[version.Ref].Type).toBe('AWS::Lambda::Version');
    for (const behaviour of [b.default, b.data]) {
      expect(behaviour.LambdaFunctionAssociations).toEqual([{ EventType: 'viewer-request', LambdaFunctionARN: version }]);
    }
  });

  it('keeps to the Lambda@Edge rules: us-east-1 stack, no environment, 128 MB, 5 s, a role edgelambda may assume', () => {
    const fnId = stack.getLogicalId(stack.site.signIn!.checkFunction.node.defaultChild as any);
    const fn = main.toJSON().Resources[fnId];
    expect(fn.Properties.Environment).toBeUndefined();
    expect(fn.Properties).toMatchObject({ MemorySize: 128, Timeout: 5, Runtime: 'nodejs22.x', Handler: 'index.handler' });
    expect(fn.Properties.Architectures ?? ['x86_64']).toEqual(['x86_64']);
    expect(fn.DeletionPolicy).toBe('Retain');
    // The role is an ordinary AWS::IAM::Role of this template (the IAM simulation finds it with the pipeline roles).
    const role = main.toJSON().Resources[fn.Properties.Role['Fn::GetAtt'][0]];
    expect(role.Type).toBe('AWS::IAM::Role');
    const principals = role.Properties.AssumeRolePolicyDocument.Statement.flatMap((s: any) => [s.Principal.Service].flat());
    expect(principals.sort()).toEqual(['edgelambda.amazonaws.com', 'lambda.amazonaws.com']);
    // It may read its configuration secret and nothing else.
    const own = resourcesOf(main, 'AWS::IAM::Policy').filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === fn.Properties.Role['Fn::GetAtt'][0]));
    const statements = own.flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('secretsmanager:GetSecretValue');
    expect(JSON.stringify(statements[0].Resource)).toContain(':secret:gridlake/GridlakeAccess/dashboard-sign-in-??????');
    // Env-agnostic stage: the function must be deployed to us-east-1, and synth says so.
    expect(stack.site.signIn!.configLocation).toEqual({ secretId: 'gridlake/GridlakeAccess/dashboard-sign-in', region: 'us-east-1' });
  });

  it('has a user pool only the platform team adds users to, a hosted sign-in, and a code-flow client back to the dashboard', () => {
    main.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
    main.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    const distId = stack.getLogicalId(stack.site.distribution.node.defaultChild as any);
    main.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      GenerateSecret: false,
      CallbackURLs: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distId, 'DomainName'] }]] }],
    });
    for (const name of ['DashboardUserPoolId', 'DashboardUserPoolClientId', 'DashboardSignInDomain']) main.hasOutput(name, {});
    // Everything is published to signed-in readers.
    for (const c of pipelineConfigs(main)) expect(c.dashboard).toEqual({ access: 'private' });
  });

  it('lets the edge role read its configuration secret, by the name baked into the bundle, and nothing else (IAM simulation)', async () => {
    const signIn = stack.site.signIn!;
    const fnId = stack.getLogicalId(signIn.checkFunction.node.defaultChild as any);
    const roleId = main.toJSON().Resources[fnId].Properties.Role['Fn::GetAtt'][0];
    const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::AccountId': '123456789012', 'AWS::Region': 'us-east-1' };
    // Resolves the pseudo parameters (the only tokens in this role's policy) as in an env-agnostic deploy to us-east-1.
    const resolve = (v: any): any =>
      v?.Ref && pseudo[v.Ref] ? pseudo[v.Ref] : v?.['Fn::Join'] ? v['Fn::Join'][1].map(resolve).join(v['Fn::Join'][0]) : Array.isArray(v) ? v.map(resolve) : v;
    const statements = resourcesOf(main, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
      .map((st: any) => ({ ...st, Resource: resolve(st.Resource) }));
    const [[, secret]] = resourcesOf(main, 'AWS::SecretsManager::Secret').filter(([, r]) => r.Properties.Name === signIn.configLocation.secretId) as unknown as [[string, { Properties: any }]];
    expect(secret).toBeDefined();
    // Secrets Manager appends "-" and six random characters to a secret's name in its ARN.
    const arn = (name: string) => `arn:aws:secretsmanager:${signIn.configLocation.region}:123456789012:secret:${name}-AbC123`;
    const simulate = async (action: string, resource: string) => {
      const r = await runSimulation(
        {
          request: { action, principal: `arn:aws:iam::123456789012:role/${roleId}`, resource: { accountId: '123456789012', resource }, contextVariables: {} },
          identityPolicies: [{ name: 'edge', policy: { Version: '2012-10-17', Statement: statements } }],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
        },
        {},
      );
      if (r.resultType === 'error') throw new Error(JSON.stringify(r.errors));
      return r.overallResult;
    };
    expect(await simulate('secretsmanager:GetSecretValue', arn(secret.Properties.Name))).toBe('Allowed');
    expect(await simulate('secretsmanager:GetSecretValue', arn('gridlake/GridlakeAccess/other'))).toBe('ImplicitlyDenied');
    expect(await simulate('secretsmanager:GetSecretValue', arn(`${secret.Properties.Name}-more`))).toBe('ImplicitlyDenied');
    expect(await simulate('secretsmanager:PutSecretValue', arn(secret.Properties.Name))).toBe('ImplicitlyDenied');
  });

  it('enforces MFA when the stage asks for it', () => {
    const { main: strict } = synth({ dashboard: { mfa: 'required' } });
    strict.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON' });
  });
});

describe('public-aggregates dashboard', () => {
  const { main, others } = synth({ dashboard: { access: 'public-aggregates' } });

  it('has no sign-in: no Lambda@Edge association, no user pool', () => {
    const b = behaviours(main);
    expect(b.default.LambdaFunctionAssociations).toBeUndefined();
    expect(b.data.LambdaFunctionAssociations).toBeUndefined();
    main.resourceCountIs('AWS::Cognito::UserPool', 0);
    expect(others).toEqual([]);
  });

  it('tells every pipeline function to publish aggregates only', () => {
    const configs = pipelineConfigs(main);
    expect(configs.length).toBeGreaterThan(0);
    for (const c of configs) expect(c.dashboard).toEqual({ access: 'public-aggregates' });
  });

  it('refuses a pipeline setting that contradicts the stage', () => {
    expect(() => synth({ dashboard: { access: 'public-aggregates' }, pipeline: { dashboard: { access: 'private' } } })).toThrow(StageConfigError);
    expect(() => stageConfig('dev', { dev: { dashboard: { access: 'public' } } })).toThrow(/stages\.dev\.dashboard\.access/);
  });
});

describe('private dashboard in a region other than us-east-1', () => {
  it('puts the function in a us-east-1 stack of its own and still guards both behaviours', () => {
    const { stack, main, others } = synth({ region: 'eu-west-2', account: '123456789012' });
    expect(others).toHaveLength(1);
    const edge = others[0]!;
    const [[fnId, fn]] = resourcesOf(edge, 'AWS::Lambda::Function') as unknown as [[string, { Properties: any }]];
    expect(fnId).toBeTruthy();
    expect(fn.Properties.Environment).toBeUndefined();
    expect(stack.site.signIn!.configLocation.region).toBe('eu-west-2');
    const edgeStack = (stack.node.scope as App).node.children.find((c) => c instanceof Stack && c !== stack) as Stack;
    expect(edgeStack.region).toBe('us-east-1');
    const b = behaviours(main);
    expect(b.default.LambdaFunctionAssociations).toHaveLength(1);
    expect(b.data.LambdaFunctionAssociations).toEqual(b.default.LambdaFunctionAssociations);
    expect(b.default.LambdaFunctionAssociations[0].EventType).toBe('viewer-request');
  });
});
