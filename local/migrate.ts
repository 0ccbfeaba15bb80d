/**
 * The local runtime's one schema step: before a workflow run, the local DuckDB warehouse is created
 * or migrated with the same runner and steps as the cloud's deploy-time custom resource
 * (lambdas/schema/warehouse-schema.ts). The steps themselves never run DDL.
 */
import { portsFromEnv } from '../lambdas/handlers/runtime';
import { migrateWarehouse } from '../lambdas/schema/warehouse-schema';
import type { MigrationReport } from '../lambdas/schema/migration-runner';

/**
 * Migrates the warehouse of the run whose wiring is in `env` (GRIDLAKE_DATA_DIR, GRIDLAKE_CONFIG, …).
 * The ports are built exactly as the handlers build them: one set is cached per data dir and every
 * handler of the run gets that same object, so building it here with other options (no market API
 * key, another log) would hand the handlers the wrong ports.
 */
export async function migrateLocalWarehouse(env: NodeJS.ProcessEnv = process.env): Promise<MigrationReport> {
  const ports = await portsFromEnv('schema', env);
  return migrateWarehouse(ports.warehouse, ports.clock);
}
