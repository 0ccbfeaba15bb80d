/**
 * The SQL text Redshift receives where it differs from the portable SQL in lambdas/sql: the table
 * DDL with its physical design, and COPY from Parquet. Pure text, no AWS SDK: the Redshift adapter
 * sends it, and the local DuckDB adapter records it (see statement-recorder.ts) so the Redshift
 * grammar test checks what Redshift would really be sent.
 */
import { assertIdentifier } from './warehouse';

/** COPY of the Parquet files a manifest lists; Redshift matches Parquet columns BY POSITION. */
export function redshiftCopy(table: string, manifestUri: string, copyRoleArn: string): string {
  return `COPY ${assertIdentifier(table)} FROM '${manifestUri}' IAM_ROLE '${copyRoleArn}' FORMAT AS PARQUET MANIFEST`;
}

/**
 * Redshift-only physical design, applied to the portable DDL in `lambdas/sql/tables/*.sql`
 * (which Postgres and DuckDB must also run, so it cannot carry these clauses):
 *
 * | table          | DISTSTYLE / DISTKEY | SORTKEY                   | why |
 * |----------------|---------------------|---------------------------|-----|
 * | meter_readings | KEY (meter_id)      | (interval_start, meter_id)| largest table; per-meter joins co-located; time-range scans prune blocks |
 * | meter_daily    | KEY (meter_id)      | (day, meter_id)           | joins with meter_readings/meters on meter_id; dashboards read recent days |
 * | meters         | ALL                 | (meter_id)                | small dimension joined to every reading: a copy on every node |
 * | utility_usage  | KEY (household_id)  | (month, household_id)     | joins with households; monthly reports filter on month |
 * | households     | ALL                 | (household_id)            | 840 rows: replicate |
 * | buildings      | ALL                 | (building_id)             | 11 rows: replicate |
 * | market_prices  | EVEN                | (symbol, trade_date)      | small; reads are per symbol over a date range |
 * | market_stats   | EVEN                | (symbol, trade_date)      | as market_prices |
 * | anomalies      | EVEN                | (occurred_at)             | read newest first, rarely joined |
 * | forecasts      | EVEN                | (issued_on, group_id)     | read by latest issue date |
 * | etl_runs       | ALL                 | (run_date)                | tiny run record |
 * | etl_run_stages | ALL                 | (run_date)                | tiny stage record |
 * Tables not listed keep Redshift's AUTO choices.
 */
export const REDSHIFT_PHYSICAL_DESIGN: Record<string, string> = {
  meter_readings: 'DISTSTYLE KEY DISTKEY (meter_id) SORTKEY (interval_start, meter_id)',
  meter_daily: 'DISTSTYLE KEY DISTKEY (meter_id) SORTKEY (day, meter_id)',
  meters: 'DISTSTYLE ALL SORTKEY (meter_id)',
  utility_usage: 'DISTSTYLE KEY DISTKEY (household_id) SORTKEY (month, household_id)',
  households: 'DISTSTYLE ALL SORTKEY (household_id)',
  buildings: 'DISTSTYLE ALL SORTKEY (building_id)',
  market_prices: 'DISTSTYLE EVEN SORTKEY (symbol, trade_date)',
  market_stats: 'DISTSTYLE EVEN SORTKEY (symbol, trade_date)',
  anomalies: 'DISTSTYLE EVEN SORTKEY (occurred_at)',
  forecasts: 'DISTSTYLE EVEN SORTKEY (issued_on, group_id)',
  etl_runs: 'DISTSTYLE ALL SORTKEY (run_date)',
  etl_run_stages: 'DISTSTYLE ALL SORTKEY (run_date)',
};

/**
 * The Redshift DDL for a portable CREATE TABLE: the table attributes from
 * {@link REDSHIFT_PHYSICAL_DESIGN} go after the column list's closing parenthesis.
 */
export function redshiftDdl(tableName: string, portableSql: string): string {
  assertIdentifier(tableName);
  const attributes = REDSHIFT_PHYSICAL_DESIGN[tableName];
  if (!attributes) return portableSql;
  const create = new RegExp(`CREATE\\s+TABLE\\s+(IF\\s+NOT\\s+EXISTS\\s+)?${tableName}\\s*\\(`, 'i').exec(portableSql);
  if (!create) {
    throw new Error(`redshiftDdl: no "CREATE TABLE ${tableName} (" in the given SQL; pass the table's .sql file from lambdas/sql/tables.`);
  }
  // Find the parenthesis that closes the column list (skipping nested ones and quoted text).
  let depth = 0;
  for (let i = create.index + create[0].length - 1; i < portableSql.length; i++) {
    const ch = portableSql[i];
    if (ch === "'") {
      i = portableSql.indexOf("'", i + 1);
      if (i < 0) break;
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) {
      return `${portableSql.slice(0, i + 1)}\n${attributes}${portableSql.slice(i + 1)}`;
    }
  }
  throw new Error(`redshiftDdl: the column list of ${tableName} is not closed; check lambdas/sql/tables/${tableName}.sql.`);
}
