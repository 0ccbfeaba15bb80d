/**
 * What Redshift would refuse in a set of SQL texts: sqlfluff's redshift grammar (one process for all
 * texts) plus the documented rules no parser sees (./rules). One line per problem, naming the text,
 * the line and the fix, so a failing test says what to change.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createTableSql } from '../../lambdas/datasets/create-table-sql';
import { dataset } from '../../lambdas/datasets/registry';
import { checkRedshiftRules } from './rules';
import { redshiftParseErrors, type SqlText } from './sqlfluff';

export const SQL_ROOT = join(__dirname, '..', '..', 'lambdas', 'sql');

/**
 * The warehouse .sql files: all of lambdas/sql except transform/, which the Transform Lambda runs on
 * its own in-process DuckDB (lambdas/steps/transform.ts → runSqlScript on a TransformSession) and
 * never sends to Redshift. Tables also in their Redshift form (the declaration's DISTKEY/SORTKEY).
 */
export function warehouseSqlFiles(): SqlText[] {
  const files = (readdirSync(SQL_ROOT, { recursive: true }) as string[])
    .map(String)
    .filter((f) => f.endsWith('.sql') && !f.startsWith(`transform/`))
    .sort();
  return files.flatMap((f) => {
    const sql = readFileSync(join(SQL_ROOT, f), 'utf8');
    const label = relative(process.cwd(), join(SQL_ROOT, f));
    const table = /^tables\/(\w+)\.sql$/.exec(f)?.[1];
    return table ? [{ label, sql }, { label: `${label} (as the Redshift adapter sends it)`, sql: createTableSql(dataset(table), { redshift: true }) }] : [{ label, sql }];
  });
}

/** Every problem in the texts, as "label:line: message". */
export function redshiftProblems(texts: readonly SqlText[]): string[] {
  const problems = redshiftParseErrors(texts).map((e) => `${e.label}:${e.line}: Redshift grammar (sqlfluff): ${e.message}`);
  for (const t of texts) {
    for (const f of checkRedshiftRules(t.sql)) problems.push(`${t.label}:${f.line}: [${f.rule}] ${f.message}`);
  }
  return problems;
}
