/**
 * Every warehouse .sql file parses in Redshift's grammar (sqlfluff, redshift dialect) and keeps the
 * documented Redshift rules no parser sees. The statements the pipeline really runs (files plus the
 * SQL built in code) are checked by recorded-statements.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { redshiftProblems, warehouseSqlFiles } from './redshift-check';

describe('warehouse SQL files on Redshift', () => {
  it('every file under lambdas/sql (transform/ excepted) parses and keeps the Redshift rules', () => {
    const files = warehouseSqlFiles();
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.label.includes('/transform/'))).toBe(false);
    expect(redshiftProblems(files), 'Redshift would refuse these').toEqual([]);
  });
});
