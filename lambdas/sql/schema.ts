/**
 * Creates the warehouse tables on first use: idempotent DDL (CREATE TABLE IF NOT EXISTS), one file
 * per table in lambdas/sql/tables/, adapted to the dialect by the warehouse adapter.
 */
import type { Warehouse } from '../ports/warehouse';
import { sqlFile, warehouseTables } from './files';

const ready = new WeakSet<Warehouse>();

export async function ensureSchema(warehouse: Warehouse): Promise<void> {
  if (ready.has(warehouse)) return;
  for (const table of warehouseTables()) {
    const portable = sqlFile(`tables/${table}.sql`);
    const sql = warehouse.adaptDdl ? warehouse.adaptDdl(table, portable) : portable;
    await warehouse.execute({ name: `ddl_${table}`, sql });
  }
  ready.add(warehouse);
}
