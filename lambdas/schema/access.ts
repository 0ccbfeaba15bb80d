/**
 * Least privilege inside the warehouse (Redshift only; DuckDB has no users). Two database roles
 * (https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_ROLE.html):
 *   gridlake_etl      SELECT/INSERT/UPDATE/DELETE on the gridlake tables, TEMP on the database: what
 *                     the pipeline's steps do (MERGE, temp staging tables); no DDL (CREATE on schema
 *                     public is revoked from PUBLIC, which has it by default), no migration record.
 *   gridlake_analyst  SELECT on the gridlake tables; granted to analysts by hand (docs/DEPLOY.md).
 *
 * The pipeline's functions reach the database through the Data API with the workgroup name and no
 * SecretArn: the Data API then gets temporary credentials (redshift-serverless:GetCredentials) and
 * the database user is the caller's IAM role, named `IAMR:<role name>`
 * (https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-access.html;
 * https://docs.aws.amazon.com/redshift/latest/mgmt/query-editor-v2-schedule-query-authentication.html
 * shows the grant to such a user). The custom resource creates that user ahead of its first
 * statement (password disabled) and grants it gridlake_etl.
 *
 * Roles and users cannot be bound parameters (Redshift binds values only in SELECT, INSERT, UPDATE
 * and DELETE), so their names are checked against an allow-list pattern and spliced into the
 * quoted identifiers of the .sql templates in lambdas/sql/access/ — never anything unchecked.
 */
import type { Statement, Warehouse } from '../ports/warehouse';
import { sqlFile } from '../sql/files';

export const ETL_ROLE = 'gridlake_etl';
export const ANALYST_ROLE = 'gridlake_analyst';

/**
 * IAM role names: letters, digits and + = , . @ _ - , 1 to 64 characters
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html). None of them can end a
 * quoted identifier (") or a string.
 */
const IAM_ROLE_NAME = /^[A-Za-z0-9+=,.@_-]{1,64}$/;
/** Redshift database names: lowercase letters, digits, underscore (the stack's own names). */
const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export class IdentifierError extends Error {
  override readonly name = 'IdentifierError';
}

export function assertIamRoleName(name: string): string {
  if (!IAM_ROLE_NAME.test(name)) {
    throw new IdentifierError(`"${name}" is not an IAM role name (1-64 of A-Z a-z 0-9 + = , . @ _ -); pass the role's name, not its ARN.`);
  }
  return name;
}

export function assertDatabaseName(name: string): string {
  if (!DATABASE_NAME.test(name)) throw new IdentifierError(`"${name}" is not a database name gridlake uses (lowercase letters, digits, _).`);
  return name;
}

/** The database user the Data API maps an IAM role's temporary credentials to. */
export function iamRoleUser(roleName: string): string {
  return `IAMR:${assertIamRoleName(roleName)}`;
}

/** A template of lambdas/sql/access/ with its `"{placeholder}"` identifiers filled (each checked). */
function template(file: string, identifiers: Record<string, string>): Statement {
  let sql = sqlFile(`access/${file}.sql`);
  for (const [key, value] of Object.entries(identifiers)) {
    if (!sql.includes(`{${key}}`)) throw new Error(`lambdas/sql/access/${file}.sql has no {${key}} placeholder.`);
    sql = sql.replaceAll(`{${key}}`, value);
  }
  if (/\{\w+\}/.test(sql)) throw new Error(`lambdas/sql/access/${file}.sql has a placeholder no value was given for.`);
  return { name: `access_${file}`, sql };
}

export interface AccessSpec {
  /** The database the pipeline uses (TEMP is granted on it). */
  database: string;
  /** IAM role names (not ARNs) of the pipeline's warehouse functions: each gets gridlake_etl. */
  etlIamRoles: string[];
}

/** What the warehouse has already (read through the catalog before granting). */
export interface AccessState {
  roles: Set<string>;
  users: Set<string>;
  /** `${user}\u0000${role}` for each role granted to a user. */
  userRoles: Set<string>;
}

/**
 * The statements that bring a warehouse in `state` to `spec`, in order. Creating a role or user and
 * granting a role are guarded by the state (Redshift has no CREATE ROLE/USER IF NOT EXISTS); object
 * grants are re-issued every time, because ALL TABLES means the tables that exist when it runs.
 */
export function accessStatements(spec: AccessSpec, state: AccessState): Statement[] {
  const database = assertDatabaseName(spec.database);
  const users = spec.etlIamRoles.map(iamRoleUser);
  const out: Statement[] = [];
  if (!state.roles.has(ETL_ROLE)) out.push(template('create_etl_role', {}));
  if (!state.roles.has(ANALYST_ROLE)) out.push(template('create_analyst_role', {}));
  out.push(
    template('public_schema_no_create', {}),
    template('etl_schema_usage', {}),
    template('etl_table_dml', {}),
    template('etl_keeps_off_migrations', {}),
    template('etl_temp_tables', { database }),
    template('analyst_schema_usage', {}),
    template('analyst_table_select', {}),
  );
  for (const [i, user] of users.entries()) {
    const iam_role = spec.etlIamRoles[i]!;
    if (!state.users.has(user)) out.push({ ...template('create_iam_role_user', { iam_role }), name: `access_create_user_${iam_role}` });
    if (!state.userRoles.has(`${user}\u0000${ETL_ROLE}`)) out.push({ ...template('grant_etl_role', { iam_role }), name: `access_grant_etl_${iam_role}` });
  }
  return out;
}

async function count(warehouse: Warehouse, file: string, params: Record<string, string>): Promise<number> {
  const [row] = await warehouse.query({ name: `access_${file}`, sql: sqlFile(`access/${file}.sql`), params });
  return Number(row?.n ?? 0);
}

/** Reads what exists, then creates and grants what is missing. Returns the statements it ran. */
export async function applyAccess(warehouse: Warehouse, spec: AccessSpec): Promise<Statement[]> {
  const state: AccessState = { roles: new Set(), users: new Set(), userRoles: new Set() };
  for (const role of [ETL_ROLE, ANALYST_ROLE]) if ((await count(warehouse, 'role_exists', { role_name: role })) > 0) state.roles.add(role);
  for (const user of spec.etlIamRoles.map(iamRoleUser)) {
    if ((await count(warehouse, 'user_exists', { user_name: user })) === 0) continue;
    state.users.add(user);
    if ((await count(warehouse, 'user_has_role', { user_name: user, role_name: ETL_ROLE })) > 0) state.userRoles.add(`${user}\u0000${ETL_ROLE}`);
  }
  const statements = accessStatements(spec, state);
  // One statement per call, so a failure names the statement; each is idempotent given the state
  // read above, so a deploy that failed half-way is completed by the next.
  for (const statement of statements) await warehouse.execute(statement);
  return statements;
}
