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

/**
 * Unload a query's rows to the lake as Parquet (Redshift UNLOAD … FORMAT AS PARQUET), for analyses
 * that read per-reading data back from the lake in parallel. Only inside `transaction([...])`, after
 * the statements that fill what it reads (temp tables of the same transaction); returns `[]`.
 */
export interface UnloadStatement {
  name: string;
  /**
   * unloadParquet.sql: one SELECT from a .sql file, WITHOUT parameters (Redshift binds none in UNLOAD);
   * it may read temp tables filled earlier in the same transaction (bound INSERTs).
   * prefix: a lake key prefix ending in '/', under `curated/_unload/` (routes to the curated bucket).
   * partitionBy: optional column names (identifiers) → Hive folders `<prefix><col>=<value>/…parquet`.
   *
   * The partition columns are not in the files (read them from the folder names), as Redshift writes
   * them. Re-running replaces what an earlier UNLOAD wrote in the folders this one writes (Redshift
   * CLEANPATH): a partition value this UNLOAD no longer produces keeps its old files, so readers take
   * their partition list from the data, not from listing the prefix, or use a prefix per run. File
   * names differ by engine, and either may write several files to a folder (Redshift
   * `0000_part_00.parquet`, `0001_part_00.parquet`… per slice; DuckDB `data_0.parquet`, `data_1.parquet`…
   * when many partitions are open at once): list a folder and read every `.parquet` key in it. The files exist once the UNLOAD item has run, even if
   * the transaction later rolls back (S3 has no transaction): make it the last item.
   */
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

export function isUnload(item: BatchItem): item is UnloadStatement {
  return 'unloadParquet' in item;
}

/** Where unloads may write: the curated bucket's working prefix (expires after 7 days, lib/data-lake.ts). */
export const UNLOAD_PREFIX_ROOT = 'curated/_unload/';
const UNLOAD_PREFIX = /^curated\/_unload\/(?:[A-Za-z0-9_.=-]+\/)+$/;

/**
 * Checks an UnloadStatement before either adapter runs it, naming the statement: the prefix is a
 * folder under curated/_unload/ made of safe characters (it is spliced into a quoted S3 URI or a
 * file path), partition columns are identifiers, and the SQL is ONE SELECT (or WITH … SELECT) with
 * no `:name` placeholder (UNLOAD takes no bound parameters: fill a temp table with a bound INSERT
 * first) and no backslash (Redshift string literals treat it as an escape, so it cannot be quoted
 * safely inside UNLOAD ('…')). Returns the SELECT without a trailing `;`.
 */
export function checkUnload(item: UnloadStatement): { select: string; prefix: string; partitionBy: string[] } {
  const { sql, prefix, partitionBy = [] } = item.unloadParquet;
  const fail = (detail: string): never => {
    throw new WarehouseError(item.name, detail);
  };
  if (!UNLOAD_PREFIX.test(prefix) || prefix.split('/').some((p) => p === '.' || p === '..')) {
    fail(`UNLOAD prefix "${prefix}" must be a folder under ${UNLOAD_PREFIX_ROOT} ending in "/", of letters, digits and _ . = -.`);
  }
  for (const column of partitionBy) {
    try {
      assertIdentifier(column);
    } catch (e) {
      fail(`UNLOAD partition column: ${(e as Error).message}`);
    }
  }
  if (new Set(partitionBy).size !== partitionBy.length) fail(`UNLOAD partition columns repeat: ${partitionBy.join(', ')}.`);
  const params: string[] = [];
  rewriteNamedParams(sql, (name) => (params.push(name), ''));
  if (params.length) {
    fail(
      `UNLOAD takes no bound parameters, but its SQL uses ${params.map((p) => `:${p}`).join(', ')}. ` +
        'Fill a temp table with a bound INSERT earlier in the same transaction and SELECT from it.',
    );
  }
  if (sql.includes('\\')) fail('the UNLOAD query contains a backslash, which cannot be quoted safely inside UNLOAD (\'…\'); use CHR(92).');
  const code = sqlCodeOnly(sql);
  const trailing = code.search(/;\s*$/); // one closing `;` (and comments after it) is allowed
  const end = trailing >= 0 ? trailing : sql.length;
  const select = sql.slice(0, end).trimEnd();
  const body = code.slice(0, end);
  if (body.includes(';')) fail('the UNLOAD query holds more than one statement; UNLOAD takes one SELECT.');
  if (!/^\s*(select|with)\b/i.test(body)) fail('the UNLOAD query must be a SELECT (or WITH … SELECT).');
  return { select, prefix, partitionBy };
}

/**
 * The SQL with comments and the contents of quoted strings and identifiers blanked out (same
 * length, so positions still match): what is left is code, for finding `;` and the first verb.
 */
function sqlCodeOnly(sql: string): string {
  let out = '';
  let i = 0;
  const blank = (text: string) => text.replace(/[^\n]/g, ' ');
  while (i < sql.length) {
    const ch = sql[i]!;
    let stop = -1;
    if (ch === "'" || ch === '"') {
      let end = i + 1;
      for (;;) {
        end = sql.indexOf(ch, end);
        if (end === -1) {
          end = sql.length;
          break;
        }
        if (sql[end + 1] === ch) end += 2; // a doubled quote is one quote inside the literal
        else {
          end += 1;
          break;
        }
      }
      stop = end;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      stop = end === -1 ? sql.length : end;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      stop = end === -1 ? sql.length : end + 2;
    }
    if (stop === -1) {
      out += ch;
      i += 1;
    } else {
      out += blank(sql.slice(i, stop));
      i = stop;
    }
  }
  return out;
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
