/**
 * The SQL derived from the dataset declarations, as the files `npm run generate:sql` writes under
 * lambdas/sql/ (paths relative to it). The runtime derives the same text from the declarations; the
 * files are for reading and review, and test/unit/generated-sql.test.ts fails when they are stale.
 */
import { createTableSql } from './create-table-sql';
import type { DatasetDeclaration } from './dataset';
import { DATASETS } from './registry';
import { writeStatements } from './write-sql';

export function generatedSqlFiles(datasets: readonly DatasetDeclaration[] = DATASETS): Map<string, string> {
  const files = new Map<string, string>();
  for (const d of datasets) {
    files.set(`tables/${d.name}.sql`, createTableSql(d));
    if (d.disposition) files.set(`${d.disposition.kind}/${d.name}.sql`, writeStatements(d).join('\n'));
  }
  return files;
}
