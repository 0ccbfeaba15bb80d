/**
 * Creates the warehouse tables on first use: idempotent DDL (CREATE TABLE IF NOT EXISTS) derived
 * from each dataset's declaration (lambdas/datasets/), in the warehouse adapter's variant; then
 * migrates tables created in an older shape (lambdas/sql/migrations.ts).
 */
import { createTableSql } from '../datasets/create-table-sql';
import { DATASETS } from '../datasets/registry';
import type { Warehouse } from '../ports/warehouse';
import { sqlFile } from './files';
import { MIGRATIONS } from './migrations';

const ready = new WeakSet<Warehouse>();

export async function ensureSchema(warehouse: Warehouse): Promise<void> {
  if (ready.has(warehouse)) return;
  for (const dataset of DATASETS) {
    const sql = warehouse.createTableSql ? warehouse.createTableSql(dataset) : createTableSql(dataset);
    await warehouse.execute({ name: `ddl_${dataset.name}`, sql });
  }
  await migrate(warehouse);
  ready.add(warehouse);
}

/** Applies each migration whose old shape is still there; returns the ids applied. */
export async function migrate(warehouse: Warehouse): Promise<string[]> {
  const applied: string[] = [];
  for (const m of MIGRATIONS) {
    const exists = async (c: { table: string; column: string }) => {
      const [row] = await warehouse.query({
        name: `migration_${m.id}_check`,
        sql: sqlFile('catalog/column_exists.sql'),
        params: { table_name: c.table, column_name: c.column },
      });
      return Number(row?.n ?? 0) > 0;
    };
    const due = (m.whileColumnExists && (await exists(m.whileColumnExists))) || (m.whileColumnMissing && !(await exists(m.whileColumnMissing)));
    if (!due) continue;
    await warehouse.execute({ name: `migration_${m.id}`, sql: sqlFile(`migrations/${m.id}.sql`) });
    applied.push(m.id);
  }
  return applied;
}
