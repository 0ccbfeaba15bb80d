/**
 * Changes to the shape of tables that already exist. CREATE TABLE IF NOT EXISTS (lambdas/sql/tables)
 * builds a new warehouse in the current shape, but leaves an existing table as it was: every rename
 * or added column is therefore also a migration here, with its SQL in lambdas/sql/migrations/ and
 * an entry in docs/DEPLOY.md ("Migrations"). The migration runner (lambdas/schema/migration-runner.ts)
 * applies each once per warehouse — at deploy in the cloud, before the run locally — and records it
 * in schema_migrations; one whose old shape is not there (a warehouse created after the change) is
 * recorded as not needed.
 */
export interface Migration {
  /** The file lambdas/sql/migrations/<id>.sql. */
  id: string;
  /** It applies while this column exists (a rename or a drop)… */
  whileColumnExists?: { table: string; column: string };
  /** …or while this column is missing (an added column). */
  whileColumnMissing?: { table: string; column: string };
}

/** In the order they were written; each names the old shape it replaces. */
export const MIGRATIONS: readonly Migration[] = [
  { id: '001_market_prices_open_price', whileColumnExists: { table: 'market_prices', column: 'open' } },
  { id: '002_meter_readings_received_at', whileColumnMissing: { table: 'meter_readings', column: 'received_at' } },
];
