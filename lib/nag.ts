/**
 * Helpers to acknowledge cdk-nag findings precisely. cdk-nag 3 reports wildcard findings one by one
 * (`AwsSolutions-IAM5[Resource::<LogicalId.Arn>/*]`) and only an acknowledgement with that exact id
 * silences one, so each finding we accept is named — a new wildcard still fails the synth.
 */
import { Stack, Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** How cdk-nag prints a token ARN inside a finding id: `<LogicalId.Arn>`. */
export function nagRef(scope: IConstruct, arn: string): string {
  if (!Token.isUnresolved(arn)) return arn;
  const resolved = Stack.of(scope).resolve(arn) as { 'Fn::GetAtt'?: [string, string]; Ref?: string };
  if (resolved['Fn::GetAtt']) return `<${resolved['Fn::GetAtt'][0]}.${resolved['Fn::GetAtt'][1]}>`;
  if (resolved.Ref) return `<${resolved.Ref}>`;
  throw new Error(`nagRef: cannot express ${JSON.stringify(resolved)} as a cdk-nag finding reference.`);
}

export interface WildcardFindings {
  /** Wildcard actions, e.g. `s3:GetObject*`. */
  actions?: string[];
  /** Wildcard resources as cdk-nag prints them, e.g. `*` or `<Bucket.Arn>/*` (see {@link nagRef}). */
  resources?: string[];
}

/** Acknowledges exactly these AwsSolutions-IAM5 findings on `scope` and below. */
export function acknowledgeWildcards(scope: IConstruct, findings: WildcardFindings, reason: string): void {
  const ids = [
    ...(findings.actions ?? []).map((a) => `AwsSolutions-IAM5[Action::${a}]`),
    ...(findings.resources ?? []).map((r) => `AwsSolutions-IAM5[Resource::${r}]`),
  ];
  Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
}

/** The wildcard actions CDK's S3 grants use: grantRead, grantPut, grantDelete (grantReadWrite = all three). */
export const S3_READ_ACTIONS = ['s3:GetObject*', 's3:GetBucket*', 's3:List*'];
export const S3_PUT_ACTIONS = ['s3:Abort*'];
export const S3_DELETE_ACTIONS = ['s3:DeleteObject*'];
/** The wildcard actions CDK's KMS grants use (an encrypted SNS topic). */
export const KMS_GRANT_ACTIONS = ['kms:GenerateDataKey*', 'kms:ReEncrypt*'];

export const LAMBDA_BASIC_EXECUTION = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';
/** All of them (grantReadWrite, as the dashboard deployment uses). */
export const S3_GRANT_ACTIONS = [...S3_READ_ACTIONS, ...S3_PUT_ACTIONS, ...S3_DELETE_ACTIONS];
