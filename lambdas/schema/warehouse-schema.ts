/**
 * gridlake's schema steps, in order: the tables (repeatable, idempotent DDL), then each migration.
 * `migrateWarehouse` is what the deploy-time custom resource and the local runtime call; the steps
 * of the pipeline never create or alter tables.
 */
import { systemClock, type Clock } from '../ports/clock';
import type { Warehouse } from '../ports/warehouse';
import { MIGRATIONS } from '../sql/migrations';
import { migrationDue, migrationStatement, tableStatements } from '../sql/schema';
import { runSchemaSteps, type MigrationReport, type SchemaStep } from './migration-runner';

/**
 * The schema of this version of gridlake, for this warehouse's dialect: the tables in their current
 * shape, then each migration of lambdas/sql/migrations.ts (applied once, where the old shape it
 * replaces is still there; recorded `not-needed` elsewhere).
 */
export function warehouseSchemaSteps(warehouse: Pick<Warehouse, 'createTableSql'>): SchemaStep[] {
  return [
    { id: '000_tables', repeatable: true, statements: tableStatements(warehouse) },
    ...MIGRATIONS.map((m): SchemaStep => ({ id: m.id, statements: [migrationStatement(m)], due: (w) => migrationDue(w, m) })),
  ];
}

/** Creates or migrates the warehouse to this version's schema; a second call changes nothing. */
export function migrateWarehouse(warehouse: Warehouse, clock: Clock = systemClock): Promise<MigrationReport> {
  return runSchemaSteps(warehouse, warehouseSchemaSteps(warehouse), clock);
}
