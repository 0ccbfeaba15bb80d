/** The DuckDB stand-in creates every declared table from its declaration, keys declared but not enforced. */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../lambdas/ports/duckdb-warehouse';
import { DATASETS } from '../../lambdas/datasets/registry';
import { columnNames } from '../../lambdas/datasets/dataset';

describe('DuckDbWarehouse.createTableSql', () => {
  it('creates every declared table without its PRIMARY KEY, all columns kept', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    const local = await DuckDbWarehouse.open(':memory:');
    try {
      for (const dataset of DATASETS) {
        await conn.run(local.createTableSql(dataset));
        const cols = (await conn.runAndReadAll(`SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [dataset.name])).getRowObjectsJson();
        expect(cols.map((c) => c.column_name), dataset.name).toEqual(columnNames(dataset));
        const constraints = (await conn.runAndReadAll(`SELECT constraint_type FROM duckdb_constraints() WHERE table_name = $1 AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')`, [dataset.name])).getRowObjectsJson();
        expect(constraints, dataset.name).toEqual([]);
      }
      // Not enforced: the load, not the table, keeps keys unique (as on Redshift).
      await conn.run("INSERT INTO buildings VALUES (1901, 20, 4, 80), (1901, 20, 4, 80)");
      expect((await conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM buildings')).getRowObjectsJson()[0]!.n).toBe(2);
      // NOT NULL is kept, as Redshift keeps it.
      await expect(conn.run('INSERT INTO buildings VALUES (NULL, 20, 4, 80)')).rejects.toThrow(/NOT NULL/i);
    } finally {
      await local.close();
      conn.closeSync();
      instance.closeSync();
    }
  });
});
