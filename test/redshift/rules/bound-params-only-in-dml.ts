/**
 * Redshift binds parameters only in SELECT, INSERT, UPDATE and DELETE: those are the only statements
 * PREPARE takes, and the Data API's parameters go through the same path. A `:name` in CREATE TABLE …
 * AS SELECT, MERGE, COPY or any other statement fails on Redshift while DuckDB and Postgres accept it.
 * Fix: CREATE TEMP TABLE with its columns, then INSERT … SELECT with the parameter.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_PREPARE.html
 */
import { code, isWord, type Finding, type SqlRule, type Token } from './sql-tokens';

const DML = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

/** The statement's verb: its first word, or for WITH … the first verb after the CTEs. */
export function statementVerb(tokens: Token[]): string | undefined {
  const first = tokens.find((t) => t.kind === 'word');
  if (!isWord(first, 'WITH')) return first?.text.toUpperCase();
  const depth = first!.depth;
  return tokens.find((t) => t.depth === depth && isWord(t, ...DML, 'CREATE', 'MERGE'))?.text.toUpperCase();
}

export const boundParamsOnlyInDml: SqlRule = {
  id: 'bound-params-only-in-dml',
  source: 'https://docs.aws.amazon.com/redshift/latest/dg/r_PREPARE.html',
  check(statement: Token[]): Finding[] {
    const tokens = code(statement);
    const verb = statementVerb(tokens);
    if (verb && DML.includes(verb)) return [];
    return tokens
      .filter((t) => t.kind === 'param')
      .slice(0, 1)
      .map((t) => ({
        rule: this.id,
        line: t.line,
        message:
          `bound parameter ${t.text} in a ${verb ?? 'statement'} statement: Redshift binds parameters only in SELECT, INSERT, ` +
          'UPDATE and DELETE. Create the table first, then INSERT … SELECT with the parameter.',
      }));
  },
};
