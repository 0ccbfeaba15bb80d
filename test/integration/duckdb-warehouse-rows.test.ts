/**
 * The DuckDB warehouse returns the port's plain values for every column type the SQL files produce:
 * numbers (BIGINT and DECIMAL as numbers), strings, booleans, 'YYYY-MM-DD' for DATE, ISO instants for
 * timestamps, null — across result chunks (DuckDB hands results over 2,048 rows at a time).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../lambdas/ports/duckdb-warehouse';

let wh: DuckDbWarehouse;
beforeAll(async () => {
  // DuckDB-only values (structs, lists, TIME) on purpose: not statements Redshift will see.
  wh = await DuckDbWarehouse.open(':memory:', { recordStatementsTo: false });
});
afterAll(async () => wh?.close());

describe('DuckDB result conversion', () => {
  it('gives plain values per type, NULL as null', async () => {
    const rows = await wh.query({
      name: 'types',
      sql: `SELECT
        CAST(42 AS INTEGER) AS i, CAST(9007199254740991 AS BIGINT) AS b, CAST(7 AS SMALLINT) AS s,
        CAST(1.25 AS DOUBLE) AS d, CAST(0.5 AS REAL) AS f, CAST(12.34 AS DECIMAL(10, 2)) AS dec,
        'text' AS v, TRUE AS flag, DATE '2026-03-29' AS day,
        TIMESTAMPTZ '2026-03-29 01:30:00+00' AS at, TIMESTAMP '2026-03-29 01:30:00' AS naive,
        COUNT(*) OVER () AS n, SUM(CAST(2 AS INTEGER)) OVER () AS total
      UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1, 2`,
    });
    expect(rows).toEqual([
      {
        i: 42, b: 9007199254740991, s: 7, d: 1.25, f: 0.5, dec: 12.34, v: 'text', flag: true, day: '2026-03-29',
        at: '2026-03-29T01:30:00.000Z', naive: '2026-03-29T01:30:00.000Z', n: 1, total: 2,
      },
      { i: null, b: null, s: null, d: null, f: null, dec: null, v: null, flag: null, day: null, at: null, naive: null, n: 1, total: 2 },
    ]);
  });

  it('never rounds or hides a value: big integers as exact text, nested and time types as DuckDB writes them', async () => {
    const [row] = await wh.query({
      name: 'fidelity',
      sql: `SELECT CAST(9007199254740993 AS BIGINT) AS big, INTERVAL 1 DAY AS i, {'a': 1} AS s, [1, 2] AS l, TIME '12:30:00' AS t`,
    });
    expect(row).toEqual({ big: '9007199254740993', i: '1 day', s: "{'a': 1}", l: '[1, 2]', t: '12:30:00' });
  });

  it('keeps every row and its order across chunks', async () => {
    const rows = await wh.query({
      name: 'many',
      sql: `SELECT CAST(x AS INTEGER) AS k, TIMESTAMPTZ '2026-01-01 00:00:00+00' + x * INTERVAL '30 minutes' AS at,
              CASE WHEN x % 3 = 0 THEN NULL ELSE x / 4.0 END AS v
            FROM range(0, :n) t(x) ORDER BY x`,
      params: { n: 5000 },
    });
    expect(rows.length).toBe(5000);
    rows.forEach((r, x) => {
      expect(r.k).toBe(x);
      expect(r.at).toBe(new Date(Date.UTC(2026, 0, 1) + x * 1_800_000).toISOString());
      expect(r.v).toBe(x % 3 === 0 ? null : x / 4);
    });
  });
});
