/**
 * `gridlake sql`: a read-only query of the local warehouse. In its own module so that a query loads
 * DuckDB and nothing else (no configuration schema, no workflow runner): the CLI answers in ~0.3 s.
 */
import { existsSync } from 'node:fs';
import { DuckDbWarehouse } from '../lambdas/ports/duckdb-warehouse';
import { localPaths } from '../lambdas/ports/local-ports';
import { formatRows, writeRows } from './format';

export async function sqlCommand(o: { dataDir: string; sql: string; format: 'table' | 'json' | 'csv' }): Promise<number> {
  if (!existsSync(localPaths(o.dataDir).warehouse)) {
    console.error(`gridlake: no warehouse at ${localPaths(o.dataDir).warehouse}; run \`gridlake run\` first (or pass --data-dir).`);
    return 1;
  }
  // Analysts read: the warehouse is opened read-only, one statement at a time, nothing outside the file.
  const warehouse = await DuckDbWarehouse.open(localPaths(o.dataDir).warehouse, { readOnly: true });
  try {
    const statements = await warehouse.statementCount(o.sql);
    if (statements !== 1) {
      console.error(`gridlake: give one SQL statement at a time (got ${statements}); the warehouse is read-only here, the pipeline writes it.`);
      return 2;
    }
    const statement = { name: 'cli_sql', sql: o.sql };
    // JSON and CSV stream (an export of a whole table need not fit in memory); a table needs every
    // row first, for its column widths.
    if (o.format === 'table') console.log(formatRows(await warehouse.query(statement), 'table'));
    else {
      let columns: string[] = [];
      await writeRows(warehouse.queryChunks(statement, (names) => (columns = names)), o.format, process.stdout, () => columns);
    }
    return 0;
  } finally {
    await warehouse.close();
  }
}
