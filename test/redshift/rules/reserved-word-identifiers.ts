/**
 * No Redshift reserved word as an unquoted identifier (a table, column or alias name). Postgres and
 * DuckDB reserve fewer words (both accept a column named `open`), so such a name works locally and
 * fails on Redshift. Fix: rename it (or write it as a delimited identifier, "open").
 * https://docs.aws.amazon.com/redshift/latest/dg/r_pg_keywords.html (the list: redshift-reserved-words.txt)
 *
 * Without a full parser, a reserved word counts as an identifier where only a name can stand: next
 * to a `.` (s.open), before a column type (open DOUBLE PRECISION), alone in a comma list (INSERT
 * (symbol, open, …)), after AS outside CAST (… AS open), beside a comparison or arithmetic operator
 * (open = s.open, open <= 0), as a table or alias after FROM/JOIN/INTO/UPDATE/MERGE INTO. sqlfluff's
 * redshift grammar (../redshift-sql.test.ts) catches most of the rest by failing to parse.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { code, isWord, type Finding, type SqlRule, type Token } from './sql-tokens';

export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  readFileSync(join(__dirname, 'redshift-reserved-words.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#')),
);

// Reserved words that are values or start an expression, where a name could also stand.
const EXPRESSION_WORDS = new Set([
  'NULL', 'TRUE', 'FALSE', 'DEFAULT', 'CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'CURRENT_USER',
  'CURRENT_USER_ID', 'SESSION_USER', 'USER', 'LOCALTIME', 'LOCALTIMESTAMP', 'SYSDATE', 'INTERVAL', 'CAST',
  'CASE', 'NOT', 'DISTINCT', 'ALL', 'ANY', 'SOME', 'TIMESTAMP', 'ARRAY',
]);
// Reserved words that may follow a table name in FROM/JOIN (so they are not its alias).
const AFTER_TABLE = new Set([
  'WHERE', 'ON', 'USING', 'GROUP', 'ORDER', 'LIMIT', 'OFFSET', 'JOIN', 'LEFT', 'RIGHT', 'INNER', 'FULL', 'CROSS',
  'NATURAL', 'OUTER', 'UNION', 'EXCEPT', 'INTERSECT', 'MINUS', 'HAVING', 'AS', 'WHEN', 'WITH', 'FOR', 'PIVOT',
  'UNPIVOT', 'SELECT', 'FROM', 'INTO', 'TOP', 'THEN', 'END', 'AND', 'OR', 'IN', 'IS', 'NOT', 'LIKE', 'ILIKE',
  'BETWEEN', 'SIMILAR', 'DEFAULT',
]);
const TYPES = new Set([
  'VARCHAR', 'CHAR', 'CHARACTER', 'NVARCHAR', 'TEXT', 'BPCHAR', 'SMALLINT', 'INTEGER', 'INT', 'INT2', 'INT4', 'INT8',
  'BIGINT', 'DECIMAL', 'NUMERIC', 'REAL', 'FLOAT', 'FLOAT4', 'FLOAT8', 'DOUBLE', 'BOOLEAN', 'BOOL', 'DATE',
  'TIMESTAMP', 'TIMESTAMPTZ', 'TIME', 'TIMETZ', 'SUPER', 'VARBYTE',
]);
const COMPARE = new Set(['=', '<', '>', '!', '+', '-', '/', '%', '|']);

function isReserved(t: Token | undefined): boolean {
  return t?.kind === 'word' && RESERVED_WORDS.has(t.text.toUpperCase());
}

/** Why token i is used as a name, or undefined when it is (or may be) a keyword. */
function namePosition(tokens: Token[], i: number, castDepths: Set<number>): string | undefined {
  const t = tokens[i]!;
  const word = t.text.toUpperCase();
  const prev = tokens[i - 1];
  const next = tokens[i + 1];
  if (prev?.text === '.' || next?.text === '.') return 'a qualified name';
  if (isWord(prev, 'AS') && !castDepths.has(t.depth) && next?.text !== '(' && !['SELECT', 'WITH'].includes(word)) return 'an alias';
  if ((prev?.text === '(' || prev?.text === ',') && next?.kind === 'word' && TYPES.has(next.text.toUpperCase())) return 'a column definition';
  if (EXPRESSION_WORDS.has(word)) return undefined;
  if ((prev?.text === '(' || prev?.text === ',') && (next?.text === ',' || next?.text === ')')) return 'a name in a list';
  if ((next && next.kind === 'punct' && COMPARE.has(next.text)) || (prev && prev.kind === 'punct' && COMPARE.has(prev.text))) {
    return 'an operand';
  }
  if (isWord(prev, 'FROM', 'JOIN', 'INTO', 'UPDATE', 'TABLE', 'EXISTS') && next?.text !== '(') return 'a table name';
  const before = tokens[i - 2];
  if (prev?.kind === 'word' && !isReserved(prev) && isWord(before, 'FROM', 'JOIN', 'INTO', 'UPDATE', 'USING') && !AFTER_TABLE.has(word)) {
    return 'a table alias';
  }
  return undefined;
}

export const reservedWordIdentifiers: SqlRule = {
  id: 'reserved-word-identifiers',
  source: 'https://docs.aws.amazon.com/redshift/latest/dg/r_pg_keywords.html',
  check(statement: Token[]): Finding[] {
    const tokens = code(statement);
    const castDepths = new Set<number>(); // depths inside CAST( … ), where AS is followed by a type
    const findings: Finding[] = [];
    tokens.forEach((t, i) => {
      if (t.text === '(' && isWord(tokens[i - 1], 'CAST', 'CONVERT')) castDepths.add(t.depth + 1);
      if (t.text === ')') castDepths.delete(t.depth + 1);
      if (!isReserved(t)) return;
      const why = namePosition(tokens, i, castDepths);
      if (why) {
        findings.push({
          rule: this.id,
          line: t.line,
          message: `"${t.text}" is used as ${why}, but ${t.text.toUpperCase()} is a Redshift reserved word: rename it (or quote it, "${t.text}").`,
        });
      }
    });
    return findings;
  },
};
