/**
 * In one statement, every sort-based aggregate (PERCENTILE_CONT, MEDIAN, LISTAGG) must use the same
 * ORDER BY values; MEDIAN(x) orders by x. DuckDB and Postgres compute any mix, Redshift refuses the
 * statement. Fix: split the work into statements (e.g. a temp table of the first aggregate).
 * https://docs.aws.amazon.com/redshift/latest/dg/r_PERCENTILE_CONT.html
 */
import { code, isWord, type Finding, type SqlRule, type Token } from './sql-tokens';

const SORT_AGGREGATES = ['PERCENTILE_CONT', 'MEDIAN', 'LISTAGG'];

/** The tokens of the parenthesised group that opens at `open` (exclusive of its parentheses). */
function group(tokens: Token[], open: number): Token[] {
  const depth = tokens[open]!.depth;
  const end = tokens.findIndex((t, i) => i > open && t.text === ')' && t.depth === depth);
  return tokens.slice(open + 1, end < 0 ? tokens.length : end);
}

const text = (tokens: Token[]) => tokens.map((t) => (t.kind === 'word' ? t.text.toLowerCase() : t.text)).join(' ');

/** The sort key of each sort-based aggregate call in the statement, with its line. */
export function sortKeys(statement: Token[]): { fn: string; orderBy: string; line: number }[] {
  const tokens = code(statement);
  const out: { fn: string; orderBy: string; line: number }[] = [];
  tokens.forEach((t, i) => {
    if (!isWord(t, ...SORT_AGGREGATES) || tokens[i + 1]?.text !== '(') return;
    const fn = t.text.toUpperCase();
    if (fn === 'MEDIAN') {
      out.push({ fn, orderBy: text(group(tokens, i + 1)), line: t.line });
      return;
    }
    // PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY …); LISTAGG(x, ',') WITHIN GROUP (ORDER BY …) — or no
    // WITHIN GROUP at all (LISTAGG then has no ORDER BY of its own, which is "unordered").
    const args = group(tokens, i + 1);
    const after = i + 1 + args.length + 2;
    if (isWord(tokens[after], 'WITHIN') && isWord(tokens[after + 1], 'GROUP') && tokens[after + 2]?.text === '(') {
      const spec = group(tokens, after + 2);
      out.push({ fn, orderBy: text(isWord(spec[0], 'ORDER') && isWord(spec[1], 'BY') ? spec.slice(2) : spec), line: t.line });
    } else {
      out.push({ fn, orderBy: '(none)', line: t.line });
    }
  });
  return out;
}

export const oneOrderByForSortAggregates: SqlRule = {
  id: 'one-order-by-for-sort-aggregates',
  source: 'https://docs.aws.amazon.com/redshift/latest/dg/r_PERCENTILE_CONT.html',
  check(statement: Token[]): Finding[] {
    const keys = sortKeys(statement);
    const first = keys[0];
    const other = keys.find((k) => k.orderBy !== first?.orderBy);
    if (!first || !other) return [];
    return [
      {
        rule: this.id,
        line: other.line,
        message:
          `${other.fn} orders by (${other.orderBy}) but ${first.fn} on line ${first.line} orders by (${first.orderBy}): Redshift ` +
          'requires one ORDER BY for all PERCENTILE_CONT, MEDIAN and LISTAGG calls of a statement. Split it into two statements.',
      },
    ];
  },
};
