/**
 * The CREATE TABLE of a dataset, derived from its declaration. The portable text (Redshift,
 * Postgres and DuckDB all run it) is what lambdas/sql/tables/<name>.sql holds; adapters ask for
 * their variant: Redshift adds the declared DISTSTYLE/DISTKEY/SORTKEY, DuckDB leaves the PRIMARY KEY
 * out (see duckdb-warehouse.ts for why). Columns are aligned so the file reads like a table.
 */
import type { DatasetDeclaration } from './dataset';

export interface CreateTableOptions {
  /** Declare the natural key as `PRIMARY KEY (…)` (informational on Redshift). @default true */
  primaryKey?: boolean;
  /** Append the Redshift table attributes after the column list. @default false */
  redshift?: boolean;
}

export function createTableSql(d: DatasetDeclaration, options: CreateTableOptions = {}): string {
  const nameWidth = Math.max(...d.columns.map((c) => c.name.length)) + 2;
  const typeWidth = Math.max(...d.columns.map((c) => c.type.length)) + 1;
  const lines = d.columns.map((c) => (c.nullable ? `${c.name.padEnd(nameWidth)}${c.type}` : `${c.name.padEnd(nameWidth)}${c.type.padEnd(typeWidth)}NOT NULL`));
  if (options.primaryKey ?? true) lines.push(`PRIMARY KEY (${d.naturalKey.join(', ')})`);
  const header = [...d.description.split('\n'), ...facts(d)].map((l) => `-- ${l}`.trimEnd());
  const attributes = options.redshift ? `\n${redshiftTableAttributes(d)}` : '';
  return `${header.join('\n')}\nCREATE TABLE IF NOT EXISTS ${d.name} (\n${lines.map((l) => `  ${l}`).join(',\n')}\n)${attributes};\n`;
}

/** The declaration's key, load disposition and Redshift design, stated in the DDL's header for readers. */
function facts(d: DatasetDeclaration): string[] {
  const how =
    d.disposition?.kind === 'replace' && d.disposition.partitionBy
      ? ` (partitions by ${d.disposition.partitionBy})`
      : d.disposition?.kind === 'merge' && d.disposition.newestBy
        ? ` (the newest by ${d.disposition.newestBy} wins)`
        : '';
  const load = d.disposition
    ? `Loaded by disposition ${d.disposition.kind}${how}.`
    : 'Written by the pipeline, not loaded from a source.';
  return [`Natural key: (${d.naturalKey.join(', ')}). ${load}`, `Redshift: ${redshiftTableAttributes(d)} — ${d.redshift.why}.`];
}

/**
 * `DISTSTYLE … [DISTKEY (…)] [SORTKEY (…)]` — the table attributes of Redshift's CREATE TABLE.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_NEW.html
 */
export function redshiftTableAttributes(d: DatasetDeclaration): string {
  const { distStyle, distKey, sortKey } = d.redshift;
  const parts = [`DISTSTYLE ${distStyle}`];
  if (distKey) parts.push(`DISTKEY (${distKey})`);
  if (sortKey.length) parts.push(`SORTKEY (${sortKey.join(', ')})`);
  return parts.join(' ');
}
