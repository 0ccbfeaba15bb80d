/**
 * No `:name` inside a SQL comment. The Data API rejects a request whose parameter list has a name
 * the SQL does not use, and one whose SQL names a parameter it was not given; whether its parser
 * skips comments is not documented ("Parameters list contains unused parameters",
 * aws-samples/getting-started-with-amazon-redshift-data-api issue 4), and the adapters here skip them, so a placeholder in a comment
 * is a statement that works locally and may be refused by Redshift. Write the name without the colon.
 * https://docs.aws.amazon.com/redshift/latest/mgmt/pass-sql-statements.html
 */
import type { Finding, SqlRule, Token } from './sql-tokens';

const PLACEHOLDER = /(?<![:\w]):[A-Za-z_]\w*/g;

export const noParamsInComments: SqlRule = {
  id: 'no-params-in-comments',
  source: 'https://docs.aws.amazon.com/redshift/latest/mgmt/pass-sql-statements.html',
  check(statement: Token[]): Finding[] {
    return statement
      .filter((t) => t.kind === 'comment')
      .flatMap((t) =>
        [...t.text.matchAll(PLACEHOLDER)].map((m) => ({
          rule: this.id,
          line: t.line + (t.text.slice(0, m.index).split('\n').length - 1),
          message: `${m[0]} in a comment looks like a bound parameter to the Data API; write "${m[0].slice(1)}" without the colon.`,
        })),
      );
  },
};
