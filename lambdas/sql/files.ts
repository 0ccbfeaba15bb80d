/**
 * Reads the project's .sql files. Locally they sit beside this module; in a Lambda bundle the CDK
 * copies this folder to `sql/` next to index.js (see lib/pipeline.ts, commandHooks), so both
 * locations are tried. Files are read once per process.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const roots = [__dirname, join(__dirname, 'sql'), join(process.cwd(), 'lambdas', 'sql')];
const cache = new Map<string, string>();

function resolveSql(rel: string): string {
  for (const root of roots) {
    const p = join(root, rel);
    if (existsSync(p)) return p;
  }
  throw new Error(`SQL file ${rel} not found (looked in ${roots.join(', ')}).`);
}

/** The text of `lambdas/sql/<rel>`, e.g. `merge/meter_readings.sql`. */
export function sqlFile(rel: string): string {
  let text = cache.get(rel);
  if (text === undefined) {
    text = readFileSync(resolveSql(rel), 'utf8');
    cache.set(rel, text);
  }
  return text;
}

/** The names (without .sql) of the files in a folder of lambdas/sql, sorted. */
export function sqlFolder(folder: string): string[] {
  const dir = resolveSql(folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.slice(0, -4))
    .sort();
}

/** Column names of a warehouse table, in order, read from its DDL (the single source of truth). */
export function tableColumns(table: string): string[] {
  const ddl = sqlFile(`tables/${table}.sql`);
  const body = ddl.slice(ddl.indexOf('(') + 1);
  const cols: string[] = [];
  for (const line of body.split('\n')) {
    const m = /^\s+([a-z_][a-z0-9_]*)\s+(VARCHAR|TIMESTAMPTZ|INTEGER|DOUBLE|DATE|BIGINT|BOOLEAN)/.exec(line);
    if (m) cols.push(m[1]!);
  }
  return cols;
}

/** A table's natural key: the columns of its DDL's `PRIMARY KEY (…)` clause, in order. */
export function tableNaturalKey(table: string): string[] {
  const m = /PRIMARY\s+KEY\s*\(([^)]*)\)/i.exec(sqlFile(`tables/${table}.sql`));
  if (!m) throw new Error(`lambdas/sql/tables/${table}.sql declares no PRIMARY KEY (…): every warehouse table needs its natural key.`);
  return m[1]!.split(',').map((c) => c.trim());
}

/** All warehouse tables, in creation order (dependencies first is not needed: no foreign keys). */
export function warehouseTables(): string[] {
  return sqlFolder('tables');
}
