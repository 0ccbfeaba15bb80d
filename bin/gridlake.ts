#!/usr/bin/env -S npx tsx
/**
 * The CDK app: one gridlake stack per invocation, for the stage named by context `stage`
 * (default `dev`), with settings from context `stages.<stage>` (cdk.json; see docs/DEPLOY.md).
 * AWS Solutions checks (cdk-nag) run on every synth; findings fail it unless acknowledged with a reason.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GridlakeStack } from '../lib/gridlake-stack';
import { stageConfig } from '../lib/stage-config';

const app = new App();
const stageName = String(app.node.tryGetContext('stage') ?? 'dev');
const stage = stageConfig(stageName, app.node.tryGetContext('stages'));

new GridlakeStack(app, `Gridlake-${stage.name}`, {
  stage,
  env: stage.account || stage.region ? { account: stage.account, region: stage.region } : undefined,
  description: `gridlake ${stage.name}: serverless ETL for energy and market data (Step Functions, Lambda, S3, Redshift Serverless)`,
  tags: { project: 'gridlake', stage: stage.name },
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
