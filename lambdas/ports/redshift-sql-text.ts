/**
 * The SQL text Redshift receives where it differs from the portable SQL in lambdas/sql: COPY from
 * Parquet and UNLOAD to Parquet (the table DDL with its physical design is derived from each
 * dataset's declaration: lambdas/datasets/create-table-sql.ts). Pure text, no AWS SDK: the Redshift
 * adapter sends it, and the local DuckDB adapter records it (see statement-recorder.ts) so the
 * Redshift grammar test checks what Redshift would really be sent.
 */
import { assertIdentifier } from './warehouse';

/** COPY of the Parquet files a manifest lists; Redshift matches Parquet columns BY POSITION. */
export function redshiftCopy(table: string, manifestUri: string, copyRoleArn: string): string {
  return `COPY ${assertIdentifier(table)} FROM '${manifestUri}' IAM_ROLE '${copyRoleArn}' FORMAT AS PARQUET MANIFEST`;
}

/**
 * UNLOAD of one SELECT (already checked by checkUnload: no parameter, no backslash) to Parquet under
 * `targetUri` (a prefix ending in '/'), its quotes doubled as the page says. CLEANPATH: a re-run
 * replaces earlier output instead of failing on it — with PARTITION BY it removes existing files only
 * from the partition folders this UNLOAD writes to; it needs s3:DeleteObject, and it may not be
 * combined with ALLOWOVERWRITE (https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html).
 */
export function redshiftUnload(select: string, targetUri: string, copyRoleArn: string, partitionBy: readonly string[] = []): string {
  const partition = partitionBy.length ? ` PARTITION BY (${partitionBy.map((c) => assertIdentifier(c)).join(', ')})` : '';
  return `UNLOAD ('${select.replaceAll("'", "''")}') TO '${targetUri}' IAM_ROLE '${copyRoleArn}' FORMAT AS PARQUET${partition} CLEANPATH`;
}
