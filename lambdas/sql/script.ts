/**
 * A warehouse .sql file of several statements (each ends with `;` at a line end). Redshift binds
 * parameters only in SELECT, INSERT, UPDATE and DELETE (https://docs.aws.amazon.com/redshift/latest/dg/r_PREPARE.html),
 * so work that would be one CREATE TABLE … AS SELECT with a parameter is written as CREATE TEMP TABLE
 * then INSERT … SELECT; and work that needs two different sort orders is split in two statements.
 * Such a file runs as one transaction: on Redshift that is one Data API session, which is what keeps
 * its temp tables alive from one statement to the next.
 */
import { rewriteNamedParams, type Row, type SqlValue, type Statement, type Warehouse } from '../ports/warehouse';
import { sqlFile } from './files';

/** The statements of `lambdas/sql/<rel>`, named `<name>_<n>`, each given only the parameters it uses. */
export function scriptStatements(rel: string, name: string, params: Record<string, SqlValue> = {}): Statement[] {
  const texts = sqlFile(rel)
    .split(/;[ \t]*(?:\r?\n|$)/)
    .filter((s) => s.replace(/--[^\n]*/g, '').trim() !== '');
  return texts.map((sql, i) => {
    const used: Record<string, SqlValue> = {};
    rewriteNamedParams(sql, (p) => {
      if (!(p in params)) throw new Error(`lambdas/sql/${rel}: statement ${i + 1} uses :${p}, which ${name} does not pass.`);
      used[p] = params[p]!;
      return `:${p}`;
    });
    return { name: `${name}_${i + 1}`, sql: sql.trim(), params: used };
  });
}

/** Runs a script file in one transaction and returns the rows of its one query (SELECT or WITH). */
export async function queryScript(warehouse: Warehouse, rel: string, name: string, params: Record<string, SqlValue>): Promise<Row[]> {
  const statements = scriptStatements(rel, name, params);
  const queries = statements.flatMap((s, i) => (/^\s*(--[^\n]*\n\s*)*(select|with)\b/i.test(s.sql) ? [i] : []));
  if (queries.length !== 1) throw new Error(`lambdas/sql/${rel}: a script queried for rows needs exactly one SELECT, it has ${queries.length}.`);
  const results = await warehouse.transaction(statements);
  return results[queries[0]!] ?? [];
}
