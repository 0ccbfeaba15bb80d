/**
 * The schema custom resource's handler (lambdas/handlers/schema-migrations.ts) against
 * aws-sdk-client-mock: the real handler, runner, grants and Data API adapter, the real SDK commands,
 * a scripted service (a new warehouse: empty catalog, no migration recorded). What it proves: every
 * statement goes to the stack's workgroup signed in as the admin secret, in order (tables, record,
 * roles, users, grants), every SQL text sent parses in sqlfluff's redshift dialect, and Delete sends
 * nothing.
 */
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../lambdas/handlers/schema-migrations';
import { columnNames } from '../../lambdas/datasets/dataset';
import { DATASET_NAMES, dataset } from '../../lambdas/datasets/registry';
import { redshiftProblems } from '../redshift/redshift-check';

const mock = mockClient(RedshiftDataClient);
const ADMIN = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:gridlake-admin-AbCdEf';
const ROLES = ['GridlakeDev-PipelineLoadServiceRole1A2B3C-abc', 'GridlakeDev-PipelineAnalyzeServiceRole4D5E6F-def'];

function event(type: 'Create' | 'Update' | 'Delete', extra: Record<string, unknown> = {}): CloudFormationCustomResourceEvent {
  return {
    RequestType: type,
    ServiceToken: 'arn:aws:lambda:eu-west-2:123456789012:function:framework',
    ResponseURL: 'https://example.invalid/response',
    StackId: 'arn:aws:cloudformation:eu-west-2:123456789012:stack/GridlakeDev/1',
    RequestId: 'r1',
    LogicalResourceId: 'WarehouseSchema',
    ResourceType: 'Custom::GridlakeSchema',
    PhysicalResourceId: 'gridlake-schema:gridlake-dev/gridlake',
    ResourceProperties: { ServiceToken: 'x', WorkgroupName: 'gridlake-dev', Database: 'gridlake', AdminSecretArn: ADMIN, EtlRoleNames: ROLES, SchemaVersion: 'abc123', ...extra },
    OldResourceProperties: {},
  } as unknown as CloudFormationCustomResourceEvent;
}

/**
 * A new warehouse, as the Data API would answer: statements finish; no role, user or migration
 * exists yet; the tables have the columns of their current DDL (000_tables just created them).
 */
function scriptNewWarehouse(): void {
  const byId = new Map<string, { sql: string; params: Record<string, string> }>();
  let n = 0;
  mock.on(ExecuteStatementCommand).callsFake((input: { Sql: string; SessionId?: string; Parameters?: Array<{ name: string; value: string }> }) => {
    const id = `s${++n}`;
    byId.set(id, { sql: input.Sql, params: Object.fromEntries((input.Parameters ?? []).map((p) => [p.name, p.value])) });
    return { Id: id, SessionId: input.SessionId ?? (input.Sql === 'BEGIN' ? 'session-1' : undefined) };
  });
  mock.on(DescribeStatementCommand).callsFake(({ Id }: { Id: string }) => ({ Id, Status: 'FINISHED', HasResultSet: /^\s*(--[^\n]*\n\s*)*SELECT/i.test(byId.get(Id)?.sql ?? '') }));
  mock.on(GetStatementResultCommand).callsFake(({ Id }: { Id: string }) => {
    const { sql, params } = byId.get(Id)!;
    if (!/COUNT\(\*\) AS n/.test(sql)) return { ColumnMetadata: [{ name: 'id' }], Records: [] };
    const count = /information_schema\.columns/.test(sql) && columnNames(dataset(params.table_name!)).includes(params.column_name!) ? 1 : 0;
    return { ColumnMetadata: [{ name: 'n' }], Records: [[{ longValue: count }]] };
  });
}

const sent = () => mock.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input);

beforeEach(() => {
  mock.reset();
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

describe('Custom::GridlakeSchema handler', () => {
  it('on Create: migrates and grants as the admin, on the stack’s workgroup and database', async () => {
    scriptNewWarehouse();
    const out = await handler(event('Create'), { client: new RedshiftDataClient({ region: 'eu-west-2' }) });
    expect(out).toEqual({ PhysicalResourceId: 'gridlake-schema:gridlake-dev/gridlake', Data: { Applied: '000_tables' } });
    expect(mock.commandCalls(BatchExecuteStatementCommand)).toHaveLength(0);
    const statements = sent();
    // Every statement that opens a call (not one sent into a session) names the workgroup and the admin secret.
    for (const s of statements.filter((s) => !s.SessionId)) expect(s).toMatchObject({ WorkgroupName: 'gridlake-dev', Database: 'gridlake', SecretArn: ADMIN });
    const sql = statements.map((s) => s.Sql!);
    const at = (re: RegExp) => sql.findIndex((t) => re.test(t));
    expect(at(/CREATE TABLE IF NOT EXISTS schema_migrations/)).toBe(0);
    for (const table of DATASET_NAMES) expect(at(new RegExp(`CREATE TABLE IF NOT EXISTS ${table}\\b`)), table).toBeGreaterThan(0);
    expect(at(/INSERT INTO schema_migrations/)).toBeGreaterThan(at(/CREATE TABLE IF NOT EXISTS meter_readings/));
    // Redshift's physical design is in the DDL the resource sends.
    expect(sql.find((t) => /CREATE TABLE IF NOT EXISTS meter_readings/.test(t))).toMatch(/DISTKEY \(meter_id\)/);
    // Roles, then the users of the pipeline roles and their grants, after the tables (ALL TABLES = these).
    expect(at(/^CREATE ROLE gridlake_etl/m)).toBeGreaterThan(at(/INSERT INTO schema_migrations/));
    expect(at(/GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES/)).toBeGreaterThan(at(/^CREATE ROLE gridlake_etl/m));
    // No DDL for the pipeline's users: PUBLIC's default CREATE on schema public is taken away.
    expect(at(/^REVOKE CREATE ON SCHEMA public FROM PUBLIC;/m)).toBeGreaterThan(at(/INSERT INTO schema_migrations/));
    for (const role of ROLES) {
      expect(at(new RegExp(`^CREATE USER "IAMR:${role}" PASSWORD DISABLE;`, 'm')), role).toBeGreaterThan(0);
      expect(at(new RegExp(`^GRANT ROLE gridlake_etl TO "IAMR:${role}";`, 'm')), role).toBeGreaterThan(at(new RegExp(`CREATE USER "IAMR:${role}"`)));
    }
    // No bound parameter outside SELECT/INSERT/UPDATE/DELETE (https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html).
    for (const s of statements.filter((s) => s.Parameters?.length)) expect(s.Sql, s.StatementName).toMatch(/^\s*(--[^\n]*\n\s*)*(SELECT|INSERT|UPDATE|DELETE)\b/i);
  });

  it('every SQL text it sends parses in sqlfluff’s redshift dialect and keeps the documented Redshift rules', async () => {
    scriptNewWarehouse();
    await handler(event('Update'), { client: new RedshiftDataClient({ region: 'eu-west-2' }) });
    const texts = sent().map((s, i) => ({ label: `${i}:${s.StatementName}`, sql: s.Sql! }));
    expect(texts.length).toBeGreaterThan(20);
    expect(redshiftProblems(texts)).toEqual([]);
  });

  it('refuses a role name that is not an IAM role name before sending any grant', async () => {
    scriptNewWarehouse();
    await expect(handler(event('Create', { EtlRoleNames: ['x"; DROP TABLE etl_runs; --'] }), { client: new RedshiftDataClient({ region: 'eu-west-2' }) })).rejects.toThrow(
      /not an IAM role name/,
    );
    expect(sent().some((s) => /DROP TABLE etl_runs/.test(s.Sql!))).toBe(false);
  });

  it('on Delete: sends nothing (the tables live as long as the namespace)', async () => {
    scriptNewWarehouse();
    const out = await handler(event('Delete'), { client: new RedshiftDataClient({ region: 'eu-west-2' }) });
    expect(out).toEqual({ PhysicalResourceId: 'gridlake-schema:gridlake-dev/gridlake' });
    expect(mock.calls()).toHaveLength(0);
  });

  it('names a missing property', async () => {
    await expect(handler(event('Create', { AdminSecretArn: undefined }))).rejects.toThrow(/AdminSecretArn/);
  });
});
