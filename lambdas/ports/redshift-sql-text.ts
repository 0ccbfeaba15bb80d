/**
 * The SQL text Redshift receives where it differs from the portable SQL in lambdas/sql: COPY from
 * Parquet (the table DDL with its physical design is derived from each dataset's declaration:
 * lambdas/datasets/create-table-sql.ts). Pure text, no AWS SDK: the Redshift adapter sends it, and
 * the local DuckDB adapter records it (see statement-recorder.ts) so the Redshift grammar test
 * checks what Redshift would really be sent.
 */
import { assertIdentifier } from './warehouse';

/** COPY of the Parquet files a manifest lists; Redshift matches Parquet columns BY POSITION. */
export function redshiftCopy(table: string, manifestUri: string, copyRoleArn: string): string {
  return `COPY ${assertIdentifier(table)} FROM '${manifestUri}' IAM_ROLE '${copyRoleArn}' FORMAT AS PARQUET MANIFEST`;
}
