/** A dataset declaration is checked where it is written, and every registered one is consistent. */
import { describe, expect, it } from 'vitest';
import { defineDataset, type DatasetDeclaration } from '../../lambdas/datasets/dataset';
import { DATASETS, dataset } from '../../lambdas/datasets/registry';
import { mergeSql } from '../../lambdas/datasets/write-sql';

const base: DatasetDeclaration = {
  name: 'things',
  description: 'things: one row per thing.',
  columns: [
    { name: 'id', type: 'VARCHAR(8)' },
    { name: 'day', type: 'DATE' },
    { name: 'note', type: 'VARCHAR(8)', nullable: true },
  ],
  naturalKey: ['id'],
  disposition: { kind: 'merge' },
  redshift: { distStyle: 'EVEN', sortKey: ['day'], why: 'test' },
  checks: [],
  raw: { fields: ['id', 'day', 'note'] },
};

describe('defineDataset', () => {
  it('accepts a consistent declaration', () => {
    expect(defineDataset(base).name).toBe('things');
  });

  it('refuses references to columns it does not have, naming the file and the column', () => {
    expect(() => defineDataset({ ...base, naturalKey: ['thing_id'] })).toThrow(/lambdas\/datasets\/things\.ts\): naturalKey names "thing_id", which is not a column/);
    expect(() => defineDataset({ ...base, redshift: { distStyle: 'KEY', distKey: 'owner', sortKey: [], why: '' } })).toThrow(/redshift\.distKey names "owner"/);
    expect(() => defineDataset({ ...base, disposition: { kind: 'replace', partitionBy: 'month' } })).toThrow(/partitionBy names "month"/);
    expect(() => defineDataset({ ...base, checks: [{ kind: 'freshness', column: 'at', warnAfterHours: 1 }] })).toThrow(/check freshness names "at"/);
  });

  it('refuses a nullable key, a KEY style without a key, and a disposition without raw fields', () => {
    expect(() => defineDataset({ ...base, naturalKey: ['note'] })).toThrow(/natural key column note is nullable/);
    expect(() => defineDataset({ ...base, redshift: { distStyle: 'KEY', sortKey: [], why: '' } })).toThrow(/distKey is required with distStyle KEY/);
    expect(() => defineDataset({ ...base, raw: undefined })).toThrow(/declare its raw fields too/);
    expect(() => defineDataset({ ...base, disposition: undefined })).toThrow(/needs a disposition/);
    expect(() => defineDataset({ ...base, checks: [{ kind: 'accepted_values', column: 'id', values: [1, 2] }] })).toThrow(/must list text, as the column is VARCHAR/);
  });

  it('a table made only of its key still gets a MERGE every engine accepts (one WHEN MATCHED)', () => {
    const keysOnly = defineDataset({ ...base, columns: [base.columns[0]!], redshift: { distStyle: 'EVEN', sortKey: [], why: '' }, raw: { fields: ['id'] } });
    expect(mergeSql(keysOnly)).toMatch(/WHEN MATCHED THEN UPDATE SET\n {2}id = s\.id\nWHEN NOT MATCHED THEN INSERT \(id\)/);
  });
});

describe('the registry', () => {
  it('holds each table once, and finds it by name', () => {
    expect(new Set(DATASETS.map((d) => d.name)).size).toBe(DATASETS.length);
    for (const d of DATASETS) expect(dataset(d.name)).toBe(d);
    expect(() => dataset('ev_chargers', 'Batch raw/x')).toThrow(/Batch raw\/x names dataset "ev_chargers", which is not declared/);
  });
});
