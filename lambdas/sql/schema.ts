/**
 * The warehouse schema as SQL: the tables as idempotent DDL (CREATE TABLE IF NOT EXISTS) derived
 * from each dataset's declaration (lambdas/datasets/), in the warehouse adapter's variant; and the
 * migrations of tables created in an older shape (lambdas/sql/migrations.ts), each with the check of
 * whether a warehouse still has that old shape. Applied once per deploy (or local run) by the
 * migration runner (lambdas/schema/warehouse-schema.ts), never by the pipeline's steps.
 */
import { createTableSql } from '../datasets/create-table-sql';
import { DATASETS } from '../datasets/registry';
import type { Statement, Warehouse } from '../ports/warehouse';
import { sqlFile } from './files';
import type { Migration } from './migrations';

/** One CREATE TABLE IF NOT EXISTS per declared dataset, in this warehouse's variant. */
export function tableStatements(warehouse: Pick<Warehouse, 'createTableSql'>): Statement[] {
  return DATASETS.map((dataset) => ({
    name: `ddl_${dataset.name}`,
    sql: warehouse.createTableSql ? warehouse.createTableSql(dataset) : createTableSql(dataset),
  }));
}

/** The statement of a migration: lambdas/sql/migrations/<id>.sql. */
export function migrationStatement(m: Migration): Statement {
  return { name: `migration_${m.id}`, sql: sqlFile(`migrations/${m.id}.sql`) };
}

/** Whether `warehouse` still has the old shape `m` replaces (so `m` is due there). */
export async function migrationDue(warehouse: Warehouse, m: Migration): Promise<boolean> {
  const exists = async (c: { table: string; column: string }) => {
    const [row] = await warehouse.query({
      name: `migration_${m.id}_check`,
      sql: sqlFile('catalog/column_exists.sql'),
      params: { table_name: c.table, column_name: c.column },
    });
    return Number(row?.n ?? 0) > 0;
  };
  return Boolean((m.whileColumnExists && (await exists(m.whileColumnExists))) || (m.whileColumnMissing && !(await exists(m.whileColumnMissing))));
}
