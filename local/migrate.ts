/**
 * The local runtime's one schema step: before a workflow run, the local DuckDB warehouse is created
 * or migrated with the same runner and steps as the cloud's deploy-time custom resource
 * (lambdas/schema/warehouse-schema.ts). The steps themselves never run DDL.
 */
import { configFromJson } from '../lambdas/config';
import { localPorts } from '../lambdas/ports/local-ports';
import { migrateWarehouse } from '../lambdas/schema/warehouse-schema';
import type { MigrationReport } from '../lambdas/schema/migration-runner';
import { silentLog } from '../lambdas/steps/ports';

/** Migrates the warehouse of `dataDir` (the ports every handler of the run will share). */
export async function migrateLocalWarehouse(dataDir: string, configJson: string | undefined): Promise<MigrationReport> {
  const ports = await localPorts({ dataDir, config: configFromJson(configJson), log: silentLog });
  return migrateWarehouse(ports.warehouse, ports.clock);
}
