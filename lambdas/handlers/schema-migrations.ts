/**
 * Deploy-time custom resource (lib/warehouse-schema.ts, through custom-resources.Provider): on
 * Create and Update it migrates the warehouse schema (lambdas/schema/warehouse-schema.ts) and
 * creates/grants the database roles (lambdas/schema/access.ts), as the admin user through the Data
 * API. It is the only code that runs DDL in the cloud; the state machine and its schedule depend on
 * it, so the first run finds the tables and its users in place. Delete does nothing: the tables
 * live as long as the namespace (its removal policy decides).
 */
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { RedshiftDataWarehouse } from '../ports/redshift-data-warehouse';
import { applyAccess } from '../schema/access';
import { migrateWarehouse } from '../schema/warehouse-schema';

/** The custom resource's properties (lib/warehouse-schema.ts sets them; all strings in CloudFormation). */
interface SchemaProperties {
  WorkgroupName: string;
  Database: string;
  AdminSecretArn: string;
  /** IAM role names of the pipeline's warehouse functions: each gets the gridlake_etl role. */
  EtlRoleNames: string[];
  /** Hash of the schema's SQL: a change makes CloudFormation send Update. */
  SchemaVersion: string;
}

function properties(event: CloudFormationCustomResourceEvent): SchemaProperties {
  const p = event.ResourceProperties as unknown as Partial<SchemaProperties>;
  for (const key of ['WorkgroupName', 'Database', 'AdminSecretArn', 'SchemaVersion'] as const) {
    if (typeof p[key] !== 'string' || !p[key]) throw new Error(`Custom::GridlakeSchema needs the property ${key} (lib/warehouse-schema.ts sets it).`);
  }
  if (!Array.isArray(p.EtlRoleNames)) throw new Error('Custom::GridlakeSchema needs EtlRoleNames, a list of IAM role names.');
  return p as SchemaProperties;
}

export async function handler(event: CloudFormationCustomResourceEvent, deps: { client?: RedshiftDataClient } = {}) {
  const p = properties(event);
  const physicalId = `gridlake-schema:${p.WorkgroupName}/${p.Database}`;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };

  const warehouse = new RedshiftDataWarehouse({
    client: deps.client ?? new RedshiftDataClient({}),
    workgroupName: p.WorkgroupName,
    database: p.Database,
    // The admin: the only user that may create tables, roles and users.
    secretArn: p.AdminSecretArn,
  });
  const report = await migrateWarehouse(warehouse);
  const granted = await applyAccess(warehouse, { database: p.Database, etlIamRoles: p.EtlRoleNames });
  console.log(JSON.stringify({ message: 'warehouse schema migrated', schemaVersion: p.SchemaVersion, steps: report.steps, access: granted.map((s) => s.name) }));
  return { PhysicalResourceId: physicalId, Data: { Applied: report.applied.join(',') || 'none' } };
}
