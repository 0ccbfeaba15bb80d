/** The DuckDB stand-in creates every table from its portable DDL, keys declared but not enforced. */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { duckdbDdl } from '../../lambdas/ports/duckdb-warehouse';
import { sqlFile, tableColumns, tableNaturalKey, warehouseTables } from '../../lambdas/sql/files';

describe('duckdbDdl', () => {
  it('creates every warehouse table without its PRIMARY KEY, all columns kept', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      for (const table of warehouseTables()) {
        const ddl = duckdbDdl(table, sqlFile(`tables/${table}.sql`));
        await conn.run(ddl);
        const cols = (await conn.runAndReadAll(`SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [table])).getRowObjectsJson();
        expect(cols.map((c) => c.column_name), table).toEqual(tableColumns(table));
        const constraints = (await conn.runAndReadAll(`SELECT constraint_type FROM duckdb_constraints() WHERE table_name = $1 AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')`, [table])).getRowObjectsJson();
        expect(constraints, table).toEqual([]);
        expect(tableNaturalKey(table).length, table).toBeGreaterThan(0);
      }
      // Not enforced: the load, not the table, keeps keys unique (as on Redshift).
      await conn.run("INSERT INTO buildings VALUES (1901, 20, 4, 80), (1901, 20, 4, 80)");
      expect((await conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM buildings')).getRowObjectsJson()[0]!.n).toBe(2);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  it('refuses a key it cannot drop, naming the file', () => {
    expect(() => duckdbDdl('t', 'CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)')).toThrow(/lambdas\/sql\/tables\/t\.sql/);
  });
});
