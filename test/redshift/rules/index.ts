/** The Redshift rules no parser sees, one file each; each names the AWS page it comes from. */
import { boundParamsOnlyInDml } from './bound-params-only-in-dml';
import { noParamsInComments } from './no-params-in-comments';
import { oneOrderByForSortAggregates } from './one-order-by-for-sort-aggregates';
import { reservedWordIdentifiers } from './reserved-word-identifiers';
import { statements, tokenize, type Finding, type SqlRule } from './sql-tokens';
import { unloadQueryRule } from './unload-query';

export const REDSHIFT_RULES: readonly SqlRule[] = [boundParamsOnlyInDml, oneOrderByForSortAggregates, reservedWordIdentifiers, noParamsInComments, unloadQueryRule];

/** Every finding of every rule in a SQL text (one or more statements); lines are the text's lines. */
export function checkRedshiftRules(sql: string, rules: readonly SqlRule[] = REDSHIFT_RULES): Finding[] {
  return statements(tokenize(sql)).flatMap((s) => rules.flatMap((r) => r.check(s)));
}
export type { Finding, SqlRule };
