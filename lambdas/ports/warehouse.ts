/**
 * The warehouse port: the one way the pipeline reaches Redshift. Shaped after the Redshift Data API:
 * statements are SQL text plus *named* bound parameters (`:name`), a transaction is an ordered batch
 * (BatchExecuteStatement runs its statements in one transaction), and bulk loads are COPY from
 * Parquet objects. The DuckDB adapter honours the same contract locally.
 *
 * SQL text uses the portable Redshift/Postgres/DuckDB subset; values are never interpolated.
 */
import type { DatasetDeclaration } from '../datasets/dataset';

/**
 * One spelling of each value, whatever the engine: instants as ISO-8601 UTC text
 * (`2026-11-01T10:00:00.000Z`), days as `YYYY-MM-DD`, numbers as numbers (integers past 2^53 as
 * their exact decimal text), booleans, text, null. Adapters convert their driver's values to these.
 */
export type SqlValue = string | number | boolean | null;
export type Row = Record<string, SqlValue>;

export interface Statement {
  /** Name used in errors and logs, e.g. `merge_meter_readings`. */
  name: string;
  sql: string;
  /** Named parameters referenced as `:key` in `sql`. */
  params?: Record<string, SqlValue>;
  /**
   * A data check inside a transaction: when this query returns a row, the adapter rolls the
   * transaction back and throws a DataCheckError naming this text and the row's values.
   */
  failIfRows?: string;
}

/** Bulk-load Parquet objects (object-store keys) into an existing table, columns matched by name. */
export interface CopyStatement {
  name: string;
  copyParquet: { table: string; keys: string[] };
}

export interface UnloadStatement {
  name: string;
  unloadParquet: { sql: string; prefix: string; partitionBy?: string[] };
}

export type BatchItem = Statement | CopyStatement | UnloadStatement;

export interface Warehouse {
  query<T extends Row = Row>(statement: Statement): Promise<T[]>;
  execute(statement: Statement): Promise<void>;
  /**
   * All items in one transaction: all applied, or none (rolled back, error rethrown). Returns one
   * entry per item, in order: the rows of an item that returns rows (e.g. a `SELECT count(*)` of a
   * staging table inside the transaction), `[]` otherwise. Redshift: BatchExecuteStatement, then
   * GetStatementResult for each sub-statement that HasResultSet (`<id>:<n>`).
   */
  transaction(items: BatchItem[]): Promise<Row[][]>;
  close(): Promise<void>;
  /**
   * This engine's CREATE TABLE for a declared dataset (Redshift adds the declared DISTSTYLE and
   * SORTKEY). Absent = the portable DDL (lambdas/datasets/create-table-sql.ts) is used as is.
   */
  createTableSql?(dataset: DatasetDeclaration): string;
}

export function isCopy(item: BatchItem): item is CopyStatement {
  return 'copyParquet' in item;
}

export class WarehouseError extends Error {
  override readonly name: string = 'WarehouseError';
  constructor(readonly statementName: string, readonly detail: string, options?: { cause?: unknown }) {
    super(`Warehouse statement "${statementName}" failed: ${detail}`, options);
  }
}

/** A statement with `failIfRows` returned rows: the transaction was rolled back. */
export class DataCheckError extends WarehouseError {
  override readonly name = 'DataCheckError';
  constructor(statementName: string, readonly check: string, readonly row: Row) {
    const found = 'offending' in row ? `${row.offending} offending row(s)` : Object.entries(row).map(([k, v]) => `${k} = ${v}`).join(', ');
    super(statementName, `data check failed — ${check}: ${found}. Nothing was loaded (the transaction was rolled back); fix the input or its transform.`);
  }
}

/** Throws a DataCheckError when a checking statement (`failIfRows`) returned rows. */
export function assertCheckPassed(statement: Statement, rows: readonly Row[]): void {
  if (statement.failIfRows !== undefined && rows.length > 0) throw new DataCheckError(statement.name, statement.failIfRows, rows[0]!);
}

/** Identifiers cannot be bound as parameters, so they are checked against this pattern instead. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertIdentifier(name: string, allowed?: readonly string[]): string {
  if (!IDENTIFIER.test(name) || (allowed && !allowed.includes(name))) {
    throw new Error(`"${name}" is not an allowed SQL identifier${allowed ? ` (allowed: ${allowed.join(', ')})` : ''}.`);
  }
  return name;
}

/**
 * Finds `:name` placeholders (not `::type` casts, not inside quoted strings or quoted identifiers) in
 * order of appearance.
 * Adapters use it to translate to their driver's style ($name for DuckDB, $1 for Postgres).
 */
export function rewriteNamedParams(sql: string, replace: (name: string) => string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    // A quoted string or a quoted identifier ("IAMR:<role>", a database user) is never a parameter.
    if (ch === "'" || ch === '"') {
      const end = sql.indexOf(ch, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop;
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
      continue;
    }
    if (ch === ':' && sql[i + 1] === ':') {
      out += '::';
      i += 2;
      continue;
    }
    if (ch === ':' && /[a-z_]/i.test(sql[i + 1] ?? '')) {
      const m = /^[a-z_][a-z0-9_]*/i.exec(sql.slice(i + 1))!;
      out += replace(m[0]);
      i += 1 + m[0].length;
      continue;
    }
    out += ch;
    i += 1;
  }
  return out;
}
