/**
 * A synthesized CloudFormation template read the way IAM sees it after deploy: intrinsic functions
 * resolved to concrete ARNs (with the physical names CloudFormation would generate replaced by
 * stable stand-ins derived from the logical id), each Lambda function with its role, the policies
 * attached to that role, and its environment.
 */
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-2';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
}
export type Resources = Record<string, CfnResource>;

export interface PolicyDocument {
  Version?: string;
  Statement: Array<Record<string, unknown>>;
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'GridlakeIam',
  'AWS::NoValue': '',
};

/** A stand-in for the generated physical id of a resource: lowercase, S3-safe. */
function physical(id: string): string {
  return `gl-${id.toLowerCase().replace(/[^a-z0-9]/g, '')}`.slice(0, 63);
}

export class TemplateResolver {
  constructor(readonly resources: Resources) {}

  ref(id: string): string {
    if (id in PSEUDO) return PSEUDO[id]!;
    const r = this.resources[id];
    if (!r) throw new Error(`Ref to unknown resource ${id}`);
    const name = physical(id);
    switch (r.Type) {
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${r.Properties?.StateMachineName ? this.value(r.Properties.StateMachineName) : name}`;
      case 'AWS::RedshiftServerless::Workgroup':
        return this.value(r.Properties!.WorkgroupName);
      case 'AWS::RedshiftServerless::Namespace':
        return this.value(r.Properties!.NamespaceName);
      default:
        return name;
    }
  }

  getAtt(id: string, attribute: string): string {
    const r = this.resources[id];
    if (!r) throw new Error(`GetAtt of unknown resource ${id}`);
    const name = physical(id);
    switch (`${r.Type}.${attribute}`) {
      case 'AWS::S3::Bucket.Arn':
        return `arn:aws:s3:::${name}`;
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${ACCOUNT}:role/${name}`;
      case 'AWS::IAM::Role.RoleId':
        return `AROA${name.replace(/[^a-z0-9]/g, '').toUpperCase().slice(0, 17)}`;
      case 'AWS::KMS::Key.Arn':
        return `arn:aws:kms:${REGION}:${ACCOUNT}:key/${name}`;
      case 'AWS::Lambda::Function.Arn':
        return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
      case 'AWS::Logs::LogGroup.Arn':
        return `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`;
      case 'AWS::SNS::Topic.TopicArn':
        return this.ref(id);
      case 'AWS::RedshiftServerless::Workgroup.Workgroup.WorkgroupArn':
        return `arn:aws:redshift-serverless:${REGION}:${ACCOUNT}:workgroup/${name}`;
      case 'AWS::RedshiftServerless::Workgroup.Workgroup.WorkgroupName':
        return this.ref(id);
      case 'AWS::RedshiftServerless::Namespace.Namespace.NamespaceArn':
        return `arn:aws:redshift-serverless:${REGION}:${ACCOUNT}:namespace/${name}`;
      default:
        return `arn:aws:cloudformation:${REGION}:${ACCOUNT}:${name}/${attribute}`;
    }
  }

  /** Resolves Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split, Fn::Sub (no variables map) recursively. */
  value(v: unknown): any {
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (!v || typeof v !== 'object') return v;
    const o = v as Record<string, any>;
    if ('Ref' in o) return this.ref(o.Ref);
    if ('Fn::GetAtt' in o) {
      const [id, attr] = Array.isArray(o['Fn::GetAtt']) ? o['Fn::GetAtt'] : String(o['Fn::GetAtt']).split(/\.(.*)/);
      return this.getAtt(id, attr);
    }
    if ('Fn::Join' in o) return (this.value(o['Fn::Join'][1]) as unknown[]).join(o['Fn::Join'][0]);
    if ('Fn::Select' in o) return (this.value(o['Fn::Select'][1]) as unknown[])[Number(this.value(o['Fn::Select'][0]))];
    if ('Fn::Split' in o) return String(this.value(o['Fn::Split'][1])).split(o['Fn::Split'][0]);
    if ('Fn::GetAZs' in o) return [`${REGION}a`, `${REGION}b`, `${REGION}c`];
    if ('Fn::Sub' in o && typeof o['Fn::Sub'] === 'string') {
      return o['Fn::Sub'].replace(/\$\{([^}]+)\}/g, (_: string, name: string) => (name.includes('.') ? this.getAtt(...(name.split(/\.(.*)/) as [string, string])) : this.ref(name)));
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, this.value(x)]));
  }

  ofType(type: string): Array<[string, CfnResource]> {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type);
  }

  /** Logical id of the resource an `{Ref}` / `{Fn::GetAtt}` points to. */
  static target(v: unknown): string | undefined {
    const o = v as Record<string, any> | undefined;
    if (!o || typeof o !== 'object') return undefined;
    if ('Ref' in o) return o.Ref;
    if ('Fn::GetAtt' in o) return Array.isArray(o['Fn::GetAtt']) ? o['Fn::GetAtt'][0] : String(o['Fn::GetAtt']).split('.')[0];
    return undefined;
  }

  /** Every identity policy of a role: its inline Policies and every AWS::IAM::Policy attached to it (resolved). */
  rolePolicies(roleId: string): Array<{ name: string; policy: PolicyDocument }> {
    const role = this.resources[roleId];
    if (!role || role.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not an AWS::IAM::Role`);
    const out: Array<{ name: string; policy: PolicyDocument }> = [];
    for (const p of role.Properties?.Policies ?? []) out.push({ name: p.PolicyName, policy: this.value(p.PolicyDocument) });
    for (const [id, p] of this.ofType('AWS::IAM::Policy')) {
      if ((p.Properties!.Roles ?? []).some((r: unknown) => TemplateResolver.target(r) === roleId)) out.push({ name: id, policy: this.value(p.Properties!.PolicyDocument) });
    }
    return out;
  }

  /** The resource policy of a bucket, topic or key, resolved, if the template has one. */
  resourcePolicyOf(type: 'AWS::S3::Bucket' | 'AWS::SNS::Topic' | 'AWS::KMS::Key', id: string): PolicyDocument | undefined {
    if (type === 'AWS::KMS::Key') return this.value(this.resources[id]!.Properties!.KeyPolicy);
    if (type === 'AWS::S3::Bucket') {
      const found = this.ofType('AWS::S3::BucketPolicy').find(([, p]) => TemplateResolver.target(p.Properties!.Bucket) === id);
      return found ? this.value(found[1].Properties!.PolicyDocument) : undefined;
    }
    const found = this.ofType('AWS::SNS::TopicPolicy').find(([, p]) => (p.Properties!.Topics ?? []).some((t: unknown) => TemplateResolver.target(t) === id));
    return found ? this.value(found[1].Properties!.PolicyDocument) : undefined;
  }

  /** The logical id of the resource of `type` whose resolved Ref (or given attribute) equals `value`. */
  findBy(type: string, value: string, resolve: (id: string) => string = (id) => this.ref(id)): string | undefined {
    return this.ofType(type).find(([id]) => resolve(id) === value)?.[0];
  }
}

export interface TemplateFunction {
  id: string;
  name: string;
  roleId: string;
  env: Record<string, string>;
}

export function functionsOf(t: TemplateResolver): TemplateFunction[] {
  return t.ofType('AWS::Lambda::Function').map(([id, fn]) => ({
    id,
    name: t.ref(id),
    roleId: TemplateResolver.target(fn.Properties!.Role)!,
    env: t.value(fn.Properties!.Environment?.Variables ?? {}),
  }));
}
