/**
 * A dataset — one warehouse table — is declared once, here-shaped (dlt's resource hints + dbt's
 * schema tests + dbt-redshift's dist/sort config): its columns and types, natural key, write
 * disposition, Redshift physical design, raw fields (for a dataset a source collects) and data
 * checks. Everything else is derived from the declaration: the DDL (./create-table-sql.ts), the
 * load's MERGE / INSERT / DELETE (./write-sql.ts), the checks run after each load (./check-sql.ts)
 * and the load order (lambdas/steps/load-plan.ts). `npm run generate:sql` writes the derived SQL to
 * lambdas/sql/ so analysts and reviewers read plain SQL; a test fails when those files are stale.
 */

/** The portable column types (Redshift, Postgres and DuckDB all accept these spellings). */
export type ColumnType = `VARCHAR(${number})` | 'TIMESTAMPTZ' | 'DATE' | 'INTEGER' | 'BIGINT' | 'DOUBLE PRECISION' | 'BOOLEAN';

export interface ColumnDeclaration {
  name: string;
  type: ColumnType;
  /** The column may hold NULL. @default false (NOT NULL, checked after each load) */
  nullable?: boolean;
}

/**
 * How a load writes the staged rows (dlt's write dispositions). Staged rows are unique on the
 * natural key in every case (the later file of a run wins).
 * - `merge`: upsert by the natural key — a key is loaded exactly once, a re-run changes nothing. With
 *   `newestBy` (a column such as received_at) the newest version of a row wins, whatever order loads
 *   run in: within a load the staged row with the greatest value (NULL oldest), and a staged row
 *   older than the table's version of its key is dropped (counted as a duplicate).
 * - `append`: insert every staged row — rows with a key loaded by an earlier run are kept (history,
 *   snapshots); a re-run of the same date appends again.
 * - `replace`: delete, then insert — the whole table, or with `partitionBy` only the partitions
 *   (values of that column) the staged rows hold, as dbt's dynamic insert_overwrite does.
 */
export type Disposition = { kind: 'merge'; newestBy?: string } | { kind: 'append' } | { kind: 'replace'; partitionBy?: string };

/**
 * Redshift's distribution style and sort key (Redshift only: Postgres and DuckDB get the portable
 * DDL). https://docs.aws.amazon.com/redshift/latest/dg/c_choosing_dist_sort.html
 */
export interface RedshiftDesign {
  distStyle: 'KEY' | 'ALL' | 'EVEN' | 'AUTO';
  /** Required with distStyle KEY, refused otherwise. */
  distKey?: string;
  sortKey: readonly string[];
  /** Why this design: the table's size and how it is joined and read. */
  why: string;
}

/**
 * dbt-style data checks beyond the two every dataset gets (its natural key is unique, its NOT NULL
 * columns hold no NULL). `accepted_values` fails the load like those two; `freshness` is a warning
 * (logged and returned by the load), because a backfill of old dates is stale by design.
 */
export type Check =
  /** Values are text for a VARCHAR column, numbers for a numeric one (bound as such). */
  | { kind: 'accepted_values'; column: string; values: readonly (string | number)[] }
  | { kind: 'freshness'; column: string; warnAfterHours: number };

/** What a source's collector writes for this dataset (JSON lines or CSV), read as text by the transform. */
export interface RawDeclaration {
  /** Raw field names as the collectors write them; the transform SQL sees each as VARCHAR. */
  fields: readonly string[];
}

export interface DatasetDeclaration {
  /** Dataset name = warehouse table name = curated/<name>/ prefix. */
  name: string;
  /** What one row is and what the columns mean; printed as the DDL file's header comment. */
  description: string;
  columns: readonly ColumnDeclaration[];
  naturalKey: readonly string[];
  /** How the load writes it; only for a dataset a source collects (with `raw`). */
  disposition?: Disposition;
  redshift: RedshiftDesign;
  checks: readonly Check[];
  /** Present for a dataset a source collects (the load writes it); absent for a results table the analysis writes. */
  raw?: RawDeclaration;
}

export class DatasetDeclarationError extends Error {
  override readonly name = 'DatasetDeclarationError';
  constructor(dataset: string, problem: string) {
    super(`Dataset ${dataset} (lambdas/datasets/${dataset}.ts): ${problem}`);
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Checks a declaration's internal references (every key, dist/sort and check column exists) and returns it. */
export function defineDataset<const D extends DatasetDeclaration>(d: D): D {
  const fail = (problem: string): never => {
    throw new DatasetDeclarationError(d.name, problem);
  };
  if (!IDENTIFIER.test(d.name)) fail(`"${d.name}" is not a lower-case SQL identifier`);
  const names = d.columns.map((c) => c.name);
  for (const c of names) if (!IDENTIFIER.test(c)) fail(`column "${c}" is not a lower-case SQL identifier`);
  const twice = names.find((c, i) => names.indexOf(c) !== i);
  if (twice) fail(`column ${twice} is declared twice`);
  const known = (what: string, cols: readonly string[]) => {
    for (const c of cols) if (!names.includes(c)) fail(`${what} names "${c}", which is not a column (columns: ${names.join(', ')})`);
  };
  if (d.naturalKey.length === 0) fail('declares no natural key; every table needs the columns that identify a row');
  known('naturalKey', d.naturalKey);
  for (const k of d.naturalKey) if (d.columns.find((c) => c.name === k)!.nullable) fail(`natural key column ${k} is nullable`);
  if (d.raw && !d.disposition) fail('a collected dataset (with raw fields) needs a disposition: merge, append or replace');
  if (!d.raw && d.disposition) fail('a disposition is for a dataset the load writes; declare its raw fields too');
  if (d.disposition?.kind === 'replace' && d.disposition.partitionBy) known('disposition.partitionBy', [d.disposition.partitionBy]);
  if (d.disposition?.kind === 'merge' && d.disposition.newestBy) known('disposition.newestBy', [d.disposition.newestBy]);
  const { distStyle, distKey, sortKey } = d.redshift;
  if ((distStyle === 'KEY') !== (distKey !== undefined)) fail('redshift.distKey is required with distStyle KEY and refused otherwise');
  if (distKey) known('redshift.distKey', [distKey]);
  known('redshift.sortKey', sortKey);
  for (const check of d.checks) known(`check ${check.kind}`, [check.column]);
  for (const check of d.checks) {
    if (check.kind !== 'accepted_values') continue;
    const numeric = !d.columns.find((c) => c.name === check.column)!.type.startsWith('VARCHAR');
    if (check.values.length === 0) fail(`accepted_values on ${check.column} lists no value`);
    if (check.values.some((v) => typeof v !== (numeric ? 'number' : 'string'))) {
      fail(`accepted_values on ${check.column} must list ${numeric ? 'numbers' : 'text'}, as the column is ${numeric ? 'numeric' : 'VARCHAR'}`);
    }
  }
  return d;
}

export function columnNames(d: DatasetDeclaration): string[] {
  return d.columns.map((c) => c.name);
}

/** Columns declared NOT NULL: checked on the staged rows before they are written, so a failure names the column and the count. */
export function requiredColumns(d: DatasetDeclaration): string[] {
  return d.columns.filter((c) => !c.nullable).map((c) => c.name);
}
