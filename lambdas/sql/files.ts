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

/** The text of `lambdas/sql/<rel>`, e.g. `load/affected_days.sql`. */
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
