/**
 * The load honours each dataset's declared disposition and runs its data checks, on the DuckDB
 * warehouse with real Parquet files: the same statements the load step builds (stage → checks →
 * write → checks), run as one transaction per load, twice to see what a second run keeps.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineDataset, type DatasetDeclaration, type Disposition } from '../../lambdas/datasets/dataset';
import { DuckDbWarehouse } from '../../lambdas/ports/duckdb-warehouse';
import { LocalFolderStore } from '../../lambdas/ports/local-folder-store';
import { DataCheckError, type Row } from '../../lambdas/ports/warehouse';
import { sqlFile } from '../../lambdas/sql/files';
import { dropStaging, stageStatements, writeAndCheckStatements } from '../../lambdas/steps/load';

/** A charger-status-like snapshot table, declared with each disposition in turn. */
function statusDataset(name: string, disposition: Disposition): DatasetDeclaration {
  return defineDataset({
    name,
    description: `${name}: one row per charger and observation (test).`,
    columns: [
      { name: 'charger_id', type: 'VARCHAR(16)' },
      { name: 'observed_on', type: 'DATE' },
      { name: 'status', type: 'VARCHAR(16)' },
      { name: 'note', type: 'VARCHAR(32)', nullable: true },
    ],
    naturalKey: ['charger_id', 'observed_on'],
    disposition,
    redshift: { distStyle: 'EVEN', sortKey: ['observed_on'], why: 'test' },
    checks: [
      { kind: 'accepted_values', column: 'status', values: ['available', 'charging', 'broken'] },
      { kind: 'freshness', column: 'observed_on', warnAfterHours: 48 },
    ],
    raw: { fields: ['charger_id', 'observed_on', 'status', 'note'] },
  });
}

let dir: string;
let lake: LocalFolderStore;
let warehouse: DuckDbWarehouse;
let writer: DuckDBInstance;
let fileSeq = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gridlake-dispositions-'));
  lake = new LocalFolderStore(join(dir, 'lake'));
  warehouse = await DuckDbWarehouse.open(join(dir, 'warehouse.duckdb'), { store: lake });
  writer = await DuckDBInstance.create(':memory:');
});
afterAll(async () => {
  await warehouse?.close();
  writer?.closeSync();
  await rm(dir, { recursive: true, force: true });
});

type StatusRow = [charger: string, day: string, status: string | null, note?: string];

/** Writes rows as a curated Parquet file in the lake (with its position, file_seq, as the transform writes it) and returns its key. */
async function curated(table: string, rows: StatusRow[]): Promise<string> {
  const key = `curated/${table}/dt=2026-11-01/run-${++fileSeq}.parquet`;
  await lake.put(key, Buffer.alloc(0)); // creates the folder
  const values = rows
    .map(([c, d, s, n]) => `(${[c, d, s, n ?? null].map((v) => (v === null ? 'NULL' : `'${v}'`)).join(', ')})`)
    .join(', ');
  const conn = await writer.connect();
  try {
    // Test data written by the test itself (no outside input): literals are fine here.
    await conn.run(
      `COPY (SELECT c AS charger_id, CAST(d AS DATE) AS observed_on, s AS status, n AS note, CAST(${fileSeq} AS INTEGER) AS file_seq FROM (VALUES ${values}) v(c, d, s, n)) ` +
        `TO '${lake.pathOf(key)}' (FORMAT parquet)`,
    );
  } finally {
    conn.closeSync();
  }
  return key;
}

/** One load of `files` into `dataset`, as the load step builds it; returns the warn checks' rows. */
async function load(dataset: DatasetDeclaration, keys: string[], runDate = '2026-11-02'): Promise<Row[][]> {
  const write = writeAndCheckStatements(dataset, runDate);
  const items = [
    { name: 'create_load_counts', sql: sqlFile('load/create_load_counts.sql') },
    ...stageStatements('test', dataset, keys),
  ];
  const at = items.length;
  items.push(...write.items, ...dropStaging(dataset.name), { name: 'drop_load_counts', sql: 'DROP TABLE load_counts' });
  const results = await warehouse.transaction(items);
  return write.warnings.map((w) => results[at + w.at]!);
}

async function rows(table: string): Promise<string[]> {
  const got = await warehouse.query({ name: 'rows', sql: `SELECT charger_id, observed_on, status FROM ${table} ORDER BY charger_id, observed_on, status` });
  return got.map((r) => `${r.charger_id} ${r.observed_on} ${r.status}`);
}

async function create(dataset: DatasetDeclaration): Promise<DatasetDeclaration> {
  await warehouse.execute({ name: `ddl_${dataset.name}`, sql: warehouse.createTableSql(dataset) });
  return dataset;
}

describe('dispositions', () => {
  it('merge: a key loaded again is updated, not repeated', async () => {
    const t = await create(statusDataset('status_merge', { kind: 'merge' }));
    await load(t, [await curated(t.name, [['c1', '2026-11-01', 'available'], ['c2', '2026-11-01', 'charging']])]);
    await load(t, [await curated(t.name, [['c1', '2026-11-01', 'broken']])]);
    expect(await rows(t.name)).toEqual(['c1 2026-11-01 broken', 'c2 2026-11-01 charging']);
  });

  it('append: rows with a key an earlier run loaded are kept beside the new ones', async () => {
    const t = await create(statusDataset('status_append', { kind: 'append' }));
    await load(t, [await curated(t.name, [['c1', '2026-11-01', 'available'], ['c2', '2026-11-01', 'charging']])]);
    await load(t, [await curated(t.name, [['c1', '2026-11-01', 'broken']])]);
    expect(await rows(t.name)).toEqual(['c1 2026-11-01 available', 'c1 2026-11-01 broken', 'c2 2026-11-01 charging']);
  });

  it('append: within one load a key repeated across files keeps the later file’s row', async () => {
    const t = await create(statusDataset('status_append_files', { kind: 'append' }));
    await load(t, [await curated(t.name, [['c1', '2026-11-01', 'available']]), await curated(t.name, [['c1', '2026-11-01', 'charging']])]);
    expect(await rows(t.name)).toEqual(['c1 2026-11-01 charging']);
  });

  it('replace with partitionBy: the partitions the new rows hold are replaced, the others kept', async () => {
    const t = await create(statusDataset('status_replace_day', { kind: 'replace', partitionBy: 'observed_on' }));
    await load(t, [await curated(t.name, [['c1', '2026-11-01', 'available'], ['c2', '2026-11-01', 'charging'], ['c1', '2026-11-02', 'available']])]);
    await load(t, [await curated(t.name, [['c3', '2026-11-01', 'broken']])]);
    expect(await rows(t.name)).toEqual(['c1 2026-11-02 available', 'c3 2026-11-01 broken']);
  });

  it('replace without a partition: the whole table is replaced', async () => {
    const t = await create(statusDataset('status_replace_all', { kind: 'replace' }));
    await load(t, [await curated(t.name, [['c1', '2026-11-01', 'available'], ['c1', '2026-11-02', 'available']])]);
    await load(t, [await curated(t.name, [['c3', '2026-11-01', 'broken']])]);
    expect(await rows(t.name)).toEqual(['c3 2026-11-01 broken']);
  });
});

describe('merge with newestBy: the newest version wins whatever order loads run in', () => {
  const versioned = defineDataset({
    name: 'status_versioned',
    description: 'status_versioned: one row per charger, the newest received version (test).',
    columns: [
      { name: 'charger_id', type: 'VARCHAR(16)' },
      { name: 'status', type: 'VARCHAR(16)' },
      { name: 'received_at', type: 'TIMESTAMPTZ', nullable: true },
    ],
    naturalKey: ['charger_id'],
    disposition: { kind: 'merge', newestBy: 'received_at' },
    redshift: { distStyle: 'EVEN', sortKey: ['charger_id'], why: 'test' },
    checks: [],
    raw: { fields: ['charger_id', 'status', 'received_at'] },
  });

  async function file(rows: Array<[charger: string, status: string, receivedAt: string | null]>): Promise<string> {
    const key = `curated/${versioned.name}/dt=2026-11-01/run-${++fileSeq}.parquet`;
    await lake.put(key, Buffer.alloc(0));
    const values = rows.map(([c, s, r]) => `('${c}', '${s}', ${r === null ? 'NULL' : `'${r}'`})`).join(', ');
    const conn = await writer.connect();
    try {
      await conn.run(
        `COPY (SELECT c AS charger_id, s AS status, CAST(r AS TIMESTAMPTZ) AS received_at, CAST(${fileSeq} AS INTEGER) AS file_seq FROM (VALUES ${values}) v(c, s, r)) TO '${lake.pathOf(key)}' (FORMAT parquet)`,
      );
    } finally {
      conn.closeSync();
    }
    return key;
  }

  it('an older version loaded later does not revert a newer one; within a load the newest file row wins', async () => {
    await create(versioned);
    await load(versioned, [await file([['c1', 'charging', '2026-11-02T10:00:00Z'], ['c2', 'available', null]])]);
    // A re-run of an older date: c1's older version must not replace the newer one; c2 had no time.
    await load(versioned, [await file([['c1', 'available', '2026-11-01T10:00:00Z'], ['c2', 'broken', '2026-11-01T10:00:00Z']])]);
    // Two files of one load: the newer row wins even from the earlier file.
    await load(versioned, [await file([['c3', 'broken', '2026-11-03T00:00:00Z']]), await file([['c3', 'available', '2026-11-02T00:00:00Z']])]);
    const got = await warehouse.query({ name: 'rows', sql: 'SELECT charger_id, status, received_at FROM status_versioned ORDER BY charger_id' });
    expect(got).toEqual([
      { charger_id: 'c1', status: 'charging', received_at: '2026-11-02T10:00:00.000Z' },
      { charger_id: 'c2', status: 'broken', received_at: '2026-11-01T10:00:00.000Z' },
      { charger_id: 'c3', status: 'broken', received_at: '2026-11-03T00:00:00.000Z' },
    ]);
  });
});

describe('data checks', () => {
  it('not_null fails the load, naming table, check and count, and nothing is written', async () => {
    const t = await create(statusDataset('status_not_null', { kind: 'merge' }));
    await load(t, [await curated(t.name, [['c1', '2026-11-01', 'available']])]);
    const bad = await curated(t.name, [['c2', '2026-11-01', null], ['c3', '2026-11-01', null], ['c4', '2026-11-01', 'charging']]);
    const failed = load(t, [bad]);
    await expect(failed).rejects.toThrow(DataCheckError);
    await expect(failed).rejects.toThrow(/status_not_null: not_null \(charger_id, observed_on, status\): 2 offending row\(s\)/);
    expect(await rows(t.name)).toEqual(['c1 2026-11-01 available']);
  });

  it('accepted_values fails the load with the count of rows outside the list', async () => {
    const t = await create(statusDataset('status_accepted', { kind: 'append' }));
    const failed = load(t, [await curated(t.name, [['c1', '2026-11-01', 'on fire'], ['c2', '2026-11-01', 'available']])]);
    await expect(failed).rejects.toThrow(/status_accepted: accepted_values status in \(available, charging, broken\): 1 offending row\(s\)/);
    expect(await rows(t.name)).toEqual([]);
  });

  it('accepted_values on a numeric column binds numbers', async () => {
    const coded = await create(
      defineDataset({
        name: 'status_coded',
        description: 'status_coded: national status codes (test).',
        columns: [
          { name: 'charger_id', type: 'VARCHAR(16)' },
          { name: 'status_code', type: 'INTEGER' },
        ],
        naturalKey: ['charger_id'],
        disposition: { kind: 'append' },
        redshift: { distStyle: 'EVEN', sortKey: [], why: 'test' },
        checks: [{ kind: 'accepted_values', column: 'status_code', values: [1, 2, 3, 4, 5, 9] }],
        raw: { fields: ['charger_id', 'status_code'] },
      }),
    );
    const key = `curated/${coded.name}/dt=2026-11-01/run-${++fileSeq}.parquet`;
    await lake.put(key, Buffer.alloc(0));
    const conn = await writer.connect();
    try {
      await conn.run(`COPY (SELECT *, CAST(${fileSeq} AS INTEGER) AS file_seq FROM (VALUES ('c1', 2), ('c2', 7), ('c3', 9)) v(charger_id, status_code)) TO '${lake.pathOf(key)}' (FORMAT parquet)`);
    } finally {
      conn.closeSync();
    }
    await expect(load(coded, [key])).rejects.toThrow(/status_coded: accepted_values status_code in \(1, 2, 3, 4, 5, 9\): 1 offending row\(s\)/);
  });

  it('unique fails a merge that meets keys the table already holds twice', async () => {
    const t = await create(statusDataset('status_unique', { kind: 'merge' }));
    // Keys are not enforced by the table (as on Redshift): a writer that bypassed the load left two.
    await warehouse.execute({ name: 'seed', sql: `INSERT INTO status_unique VALUES ('c1', DATE '2026-11-01', 'available', NULL), ('c1', DATE '2026-11-01', 'broken', NULL)` });
    const failed = load(t, [await curated(t.name, [['c1', '2026-11-01', 'charging']])]);
    await expect(failed).rejects.toThrow(/status_unique: unique \(charger_id, observed_on\): 1 offending row\(s\)/);
    expect(await rows(t.name)).toEqual(['c1 2026-11-01 available', 'c1 2026-11-01 broken']);
  });

  it('freshness is a warning: the load commits and returns the newest value', async () => {
    const t = await create(statusDataset('status_fresh', { kind: 'merge' }));
    const [stale] = await load(t, [await curated(t.name, [['c1', '2026-10-20', 'available']])], '2026-11-02');
    expect(stale).toEqual([{ latest: '2026-10-20' }]);
    const [fresh] = await load(t, [await curated(t.name, [['c1', '2026-11-02', 'available']])], '2026-11-02');
    expect(fresh).toEqual([]);
    expect(await rows(t.name)).toEqual(['c1 2026-10-20 available', 'c1 2026-11-02 available']);
  });
});
