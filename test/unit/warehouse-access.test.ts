/**
 * The database roles and grants (lambdas/schema/access.ts): every statement it can generate parses
 * in sqlfluff's redshift dialect (the real grammar, not a regex), role names are allow-listed before
 * they are spliced into a quoted identifier, and creation is guarded by what the catalog says exists
 * (Redshift has no CREATE ROLE / CREATE USER IF NOT EXISTS:
 * https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_ROLE.html,
 * https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_USER.html).
 */
import { describe, expect, it } from 'vitest';
import { accessStatements, ANALYST_ROLE, ETL_ROLE, iamRoleUser, IdentifierError, type AccessState } from '../../lambdas/schema/access';
import { sqlFile, sqlFolder } from '../../lambdas/sql/files';
import { redshiftProblems } from '../redshift/redshift-check';

const EMPTY: AccessState = { roles: new Set(), users: new Set(), userRoles: new Set() };
// Role names as CloudFormation generates them (stack-construct-hash), with the characters IAM allows.
const ROLES = ['GridlakeDev-PipelineLoadServiceRoleA1B2C3D4-xYz09', 'gridlake+etl=a,b.c@d_e-f'];
const SPEC = { database: 'gridlake', etlIamRoles: ROLES };

describe('accessStatements', () => {
  it('on a new warehouse: creates both roles, grants them, and creates and grants each function role’s IAMR user', () => {
    const names = accessStatements(SPEC, EMPTY).map((s) => s.name);
    expect(names.slice(0, 2)).toEqual(['access_create_etl_role', 'access_create_analyst_role']);
    for (const role of ROLES) expect(names).toEqual(expect.arrayContaining([`access_create_user_${role}`, `access_grant_etl_${role}`]));
    const sql = accessStatements(SPEC, EMPTY).map((s) => s.sql).join('\n');
    expect(sql).toContain(`CREATE USER "IAMR:${ROLES[0]}" PASSWORD DISABLE;`);
    expect(sql).toContain(`GRANT ROLE gridlake_etl TO "IAMR:${ROLES[1]}";`);
    expect(sql).toContain('GRANT TEMP ON DATABASE "gridlake" TO ROLE gridlake_etl;');
    expect(sql).not.toMatch(/\{\w+\}/);
  });

  it('creates nothing that exists, and re-issues the object grants (ALL TABLES = the tables of now)', () => {
    const user = iamRoleUser(ROLES[0]!);
    const state: AccessState = { roles: new Set([ETL_ROLE, ANALYST_ROLE]), users: new Set([user]), userRoles: new Set([`${user}\u0000${ETL_ROLE}`]) };
    const names = accessStatements(SPEC, state).map((s) => s.name);
    expect(names).not.toContain('access_create_etl_role');
    expect(names).not.toContain(`access_create_user_${ROLES[0]}`);
    expect(names).not.toContain(`access_grant_etl_${ROLES[0]}`);
    expect(names).toEqual(expect.arrayContaining(['access_etl_table_dml', 'access_analyst_table_select', `access_create_user_${ROLES[1]}`]));
  });

  it('every statement parses in sqlfluff’s redshift dialect and keeps the documented Redshift rules, and so does every template file', () => {
    const generated = accessStatements(SPEC, EMPTY).map((s) => ({ label: s.name, sql: s.sql }));
    const files = sqlFolder('access').map((f) => ({ label: `lambdas/sql/access/${f}.sql`, sql: sqlFile(`access/${f}.sql`) }));
    const schema = sqlFolder('schema').map((f) => ({ label: `lambdas/sql/schema/${f}.sql`, sql: sqlFile(`schema/${f}.sql`) }));
    expect(generated.length).toBeGreaterThan(10);
    expect(redshiftProblems([...generated, ...files, ...schema])).toEqual([]);
  });

  it('the grammar check is real: an unquoted IAMR user is refused', () => {
    expect(redshiftProblems([{ label: 'unquoted', sql: 'GRANT ROLE gridlake_etl TO IAMR:some-role;\n' }])).not.toEqual([]);
  });

  it('rejects a role name that is not an IAM role name before it reaches SQL, naming it', () => {
    for (const bad of ['x"; DROP TABLE meters; --', 'arn:aws:iam::123456789012:role/x', 'has space', '', 'a'.repeat(65), 'quote"inside']) {
      expect(() => accessStatements({ ...SPEC, etlIamRoles: [bad] }, EMPTY), bad).toThrow(IdentifierError);
    }
    expect(() => iamRoleUser('x"y')).toThrow(/not an IAM role name/);
    expect(() => accessStatements({ ...SPEC, database: 'grid"lake' }, EMPTY)).toThrow(IdentifierError);
  });
});
