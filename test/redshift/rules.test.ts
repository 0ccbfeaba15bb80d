/** Each Redshift rule with a statement it must refuse and one it must accept. */
import { describe, expect, it } from 'vitest';
import { boundParamsOnlyInDml } from './rules/bound-params-only-in-dml';
import { checkRedshiftRules } from './rules';
import { noParamsInComments } from './rules/no-params-in-comments';
import { oneOrderByForSortAggregates } from './rules/one-order-by-for-sort-aggregates';
import { RESERVED_WORDS, reservedWordIdentifiers } from './rules/reserved-word-identifiers';
import type { SqlRule } from './rules/sql-tokens';
import { unloadQueryRule } from './rules/unload-query';

const check = (rule: SqlRule, sql: string) => checkRedshiftRules(sql, [rule]);

describe('bound-params-only-in-dml', () => {
  it('refuses a parameter in CREATE TABLE … AS SELECT, naming the parameter and the fix', () => {
    const f = check(boundParamsOnlyInDml, 'CREATE TEMP TABLE d AS\nSELECT meter_id FROM meters WHERE timezone = :tz');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ line: 2 });
    expect(f[0]!.message).toMatch(/:tz in a CREATE statement.*INSERT … SELECT/);
  });
  it('refuses a parameter in MERGE', () => {
    expect(check(boundParamsOnlyInDml, 'MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN UPDATE SET b = :b')).toHaveLength(1);
  });
  it('accepts parameters in SELECT, WITH … SELECT, INSERT, UPDATE and DELETE, and CREATE without one', () => {
    for (const sql of [
      'SELECT * FROM t WHERE a = :a',
      'WITH x AS (SELECT :a AS v) SELECT v FROM x',
      'INSERT INTO d WITH s AS (SELECT :tz AS tz) SELECT tz FROM s',
      'UPDATE t SET a = :a',
      'DELETE FROM t WHERE a = :a',
      'CREATE TEMP TABLE d (meter_id VARCHAR(64), day DATE)',
      "SELECT 1 -- a colon in a string or comment is no parameter: ':x'",
    ]) {
      expect(check(boundParamsOnlyInDml, sql), sql).toEqual([]);
    }
  });
});

describe('one-order-by-for-sort-aggregates', () => {
  it('refuses two PERCENTILE_CONT with different ORDER BY in one statement (the AWS page example shape)', () => {
    const sql = `SELECT a, percentile_cont(0.5) WITHIN GROUP (ORDER BY kwh) AS m,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY ABS(kwh - 1)) AS d FROM t GROUP BY a`;
    const f = check(oneOrderByForSortAggregates, sql);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ line: 2 });
  });
  it('counts MEDIAN(x) as ORDER BY x, across CTEs of one statement', () => {
    const sql = 'WITH b AS (SELECT MEDIAN(kwh) AS m FROM t) SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY price) FROM b, p';
    expect(check(oneOrderByForSortAggregates, sql)).toHaveLength(1);
  });
  it('accepts one ORDER BY shared by several calls, and different ones in separate statements', () => {
    expect(check(oneOrderByForSortAggregates, 'SELECT MEDIAN(kwh), percentile_cont(0.9) WITHIN GROUP (ORDER BY kwh) FROM t')).toEqual([]);
    expect(
      check(oneOrderByForSortAggregates, 'SELECT MEDIAN(kwh) FROM t;\nSELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY price) FROM p;'),
    ).toEqual([]);
  });
});

describe('reserved-word-identifiers', () => {
  it('reads the AWS list from its data file', () => {
    expect(RESERVED_WORDS.size).toBeGreaterThan(150);
    expect(RESERVED_WORDS.has('OPEN')).toBe(true);
    expect(RESERVED_WORDS.has('CLOSE')).toBe(false);
  });
  it('refuses a reserved word as a column, a qualified name, an alias and a table alias', () => {
    expect(check(reservedWordIdentifiers, 'CREATE TABLE p (\n  open DOUBLE PRECISION NOT NULL\n)')).toMatchObject([{ line: 2 }]);
    expect(check(reservedWordIdentifiers, 'SELECT s.open FROM s')).toHaveLength(1);
    expect(check(reservedWordIdentifiers, 'SELECT a AS tag FROM s')).toHaveLength(1);
    expect(check(reservedWordIdentifiers, 'SELECT a FROM stg raw WHERE a = 1')).toHaveLength(1);
    expect(check(reservedWordIdentifiers, 'INSERT INTO p (symbol, open) VALUES (:s, :o)')).toHaveLength(1);
    expect(check(reservedWordIdentifiers, 'UPDATE p SET open = 1')).toHaveLength(1);
  });
  it('accepts reserved words as keywords, values and types, and quoted or renamed names', () => {
    for (const sql of [
      'SELECT CAST(a AS TIMESTAMP), DISTINCT_COUNT FROM t WHERE b IS NOT NULL ORDER BY a DESC LIMIT 5',
      "SELECT a FROM t WHERE d >= CURRENT_DATE - INTERVAL '1 day' AND e IN (NULL, TRUE)",
      'CREATE TEMP TABLE d AS WITH x AS (SELECT 1 AS v) SELECT v FROM x',
      'SELECT s.open_price, "open" FROM s JOIN t ON t.a = s.a',
      'INSERT INTO p (symbol, open_price) VALUES (:s, NULL)',
    ]) {
      expect(check(reservedWordIdentifiers, sql), sql).toEqual([]);
    }
  });
});

describe('no-params-in-comments', () => {
  it('refuses a :name in a line or block comment, with its line', () => {
    expect(check(noParamsInComments, 'SELECT 1\n-- rows in [:from_day, :to_day]\nFROM t')).toMatchObject([{ line: 2 }, { line: 2 }]);
    expect(check(noParamsInComments, '/* ids\n   :anomaly_ids */ SELECT 1')).toMatchObject([{ line: 2 }]);
  });
  it('accepts colons that are no placeholder: times, URLs, casts, "key: value" prose', () => {
    expect(check(noParamsInComments, '-- at 12:30, see https://docs.aws.amazon.com, x::int, Natural key: (a, b)\nSELECT 1')).toEqual([]);
  });
});

describe('unload-query', () => {
  const unload = (query: string) => `UNLOAD ('${query.replaceAll("'", "''")}')\nTO 's3://b/curated/_unload/x/' IAM_ROLE 'arn:aws:iam::123456789012:role/r' FORMAT AS PARQUET CLEANPATH`;
  it('refuses a bound parameter inside the quoted query, on its line', () => {
    const f = check(unloadQueryRule, unload("SELECT a\nFROM t WHERE b = 'x' AND c = :c"));
    expect(f).toMatchObject([{ line: 2 }]);
    expect(f[0]!.message).toMatch(/:c in an UNLOAD query.*temp table/);
  });
  it('refuses a LIMIT in the outer SELECT (the AWS page example), accepts a nested one', () => {
    expect(check(unloadQueryRule, unload('select * from venue limit 10'))).toHaveLength(1);
    expect(check(unloadQueryRule, unload('select * from venue where venueid in (select venueid from venue order by venueid desc limit 10)'))).toEqual([]);
  });
  it('accepts a plain query with quoted literals, and leaves other statements alone', () => {
    expect(check(unloadQueryRule, unload("SELECT page, kwh FROM inputs WHERE meter_id <> 'a:b' -- :not_a_param"))).toEqual([]);
    expect(check(unloadQueryRule, 'SELECT * FROM t WHERE a = :a LIMIT 5')).toEqual([]);
  });
});
