/**
 * Batches of rows through a one-row INSERT template: the template's `VALUES ( … )` tuple is repeated
 * once per row with its `:name` parameters suffixed (`:name_0`, `:name_1`, …), so a batch is one
 * statement with bound values — never interpolated — and stays within the Redshift Data API's limit of
 * 40 statements per transaction however many rows there are.
 */
import { rewriteNamedParams, type SqlValue, type Statement } from '../../ports/warehouse';

/** Rows per statement: keeps each statement's parameter count modest (rows × columns). */
export const ROWS_PER_STATEMENT = 100;

export function multiRowInserts(name: string, template: string, rows: readonly Record<string, SqlValue>[]): Statement[] {
  const text = template.replace(/;\s*$/, '');
  const at = text.search(/\bVALUES\s*\(/i);
  if (at < 0) throw new Error(`Insert template "${name}" has no VALUES ( … ) tuple to repeat.`);
  const head = text.slice(0, at) + 'VALUES ';
  const tuple = text.slice(text.indexOf('(', at));
  const statements: Statement[] = [];
  for (let from = 0; from < rows.length; from += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(from, from + ROWS_PER_STATEMENT);
    const params: Record<string, SqlValue> = {};
    const tuples = chunk.map((row, i) =>
      rewriteNamedParams(tuple, (p) => {
        if (!(p in row)) throw new Error(`Insert "${name}": row ${from + i} has no value for :${p}.`);
        params[`${p}_${i}`] = row[p]!;
        return `:${p}_${i}`;
      }),
    );
    statements.push({ name: `${name}_${from / ROWS_PER_STATEMENT}`, sql: head + tuples.join(',\n'), params });
  }
  return statements;
}

/**
 * `… IN (:ids)` for a list: the one placeholder becomes `:ids_0, :ids_1, …`, each bound, in statements
 * of at most ROWS_PER_STATEMENT values.
 */
export function inListStatements(
  name: string,
  template: string,
  listParam: string,
  values: readonly SqlValue[],
  params: Record<string, SqlValue> = {},
): Statement[] {
  const statements: Statement[] = [];
  for (let from = 0; from < values.length; from += ROWS_PER_STATEMENT) {
    const chunk = values.slice(from, from + ROWS_PER_STATEMENT);
    const bound: Record<string, SqlValue> = { ...params };
    const sql = rewriteNamedParams(template, (p) => {
      if (p !== listParam) return `:${p}`;
      return chunk
        .map((v, i) => {
          bound[`${p}_${i}`] = v;
          return `:${p}_${i}`;
        })
        .join(', ');
    });
    statements.push({ name: `${name}_${from / ROWS_PER_STATEMENT}`, sql, params: bound });
  }
  return statements;
}
