/**
 * The query of an UNLOAD travels as a string literal, so neither sqlfluff nor the other rules look
 * inside it. Two documented restrictions are checked there: no bound parameter (Redshift binds
 * parameters only in SELECT, INSERT, UPDATE and DELETE — r_PREPARE.html — and UNLOAD is none of
 * them: fill a temp table with a bound INSERT first), and no LIMIT in the outer SELECT ("The SELECT
 * query can't use a LIMIT clause in the outer SELECT": nest it, or fill a table first).
 * https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
 */
import { code, isWord, tokenize, type Finding, type SqlRule, type Token } from './sql-tokens';

/** The UNLOAD's query (its quotes undoubled) and the line it starts on, or none for other statements. */
export function unloadQuery(statement: Token[]): { sql: string; line: number } | undefined {
  const tokens = code(statement);
  if (!isWord(tokens[0], 'UNLOAD')) return undefined;
  const literal = tokens.find((t) => t.kind === 'string');
  if (!literal) return undefined;
  return { sql: literal.text.slice(1, -1).replaceAll("''", "'"), line: literal.line };
}

export const unloadQueryRule: SqlRule = {
  id: 'unload-query',
  source: 'https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html',
  check(statement: Token[]): Finding[] {
    const query = unloadQuery(statement);
    if (!query) return [];
    const inner = code(tokenize(query.sql));
    const at = (t: Token) => query.line + t.line - 1;
    const findings: Finding[] = [];
    const param = inner.find((t) => t.kind === 'param');
    if (param) {
      findings.push({
        rule: this.id,
        line: at(param),
        message: `bound parameter ${param.text} in an UNLOAD query: UNLOAD binds no parameters. Fill a temp table with a bound INSERT in the same transaction and unload from it.`,
      });
    }
    const limit = inner.find((t) => t.depth === 0 && isWord(t, 'LIMIT'));
    if (limit) {
      findings.push({
        rule: this.id,
        line: at(limit),
        message: 'LIMIT in the outer SELECT of an UNLOAD query, which Redshift refuses: move it into a subquery (WHERE id IN (SELECT … LIMIT n)).',
      });
    }
    return findings;
  },
};
