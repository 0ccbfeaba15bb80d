/**
 * UNLOAD to Parquet on the real DuckDB adapter, over a real local lake folder: a temp table filled by
 * a bound INSERT in the same transaction is unloaded partitioned by a column, the files land in Hive
 * folders under the prefix and read back (with DuckDB) as the rows; a second UNLOAD replaces what the
 * first wrote in the folders it writes (Redshift's CLEANPATH), and a query with a `:param` is refused.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../lambdas/ports/duckdb-warehouse';
import { LocalFolderStore } from '../../lambdas/ports/local-folder-store';
import { listKeys } from '../../lambdas/ports/object-store';
import { WarehouseError, type BatchItem, type UnloadStatement } from '../../lambdas/ports/warehouse';

let dir: string;
let lake: LocalFolderStore;
let wh: DuckDbWarehouse;
/** A separate DuckDB to read the files back, as a page worker would. */
let reader: DuckDbWarehouse;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gridlake-unload-'));
  lake = new LocalFolderStore(join(dir, 'lake'));
  wh = await DuckDbWarehouse.open(join(dir, 'warehouse.duckdb'), { store: lake });
  reader = await DuckDbWarehouse.open(':memory:', { recordStatementsTo: false });
});
afterAll(async () => {
  await wh?.close();
  await reader?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const PREFIX = 'curated/_unload/anomaly_inputs/run=r1/';

/** CREATE TEMP TABLE, a bound INSERT of `readings`, then the UNLOAD of the table partitioned by page. */
function unloadBatch(readings: Array<{ page: number; meter: string; kwh: number }>, unload: Partial<UnloadStatement['unloadParquet']> = {}): BatchItem[] {
  const params: Record<string, string | number> = {};
  const tuples = readings.map((r, i) => {
    Object.assign(params, { [`p_${i}`]: r.page, [`m_${i}`]: r.meter, [`k_${i}`]: r.kwh });
    return `(:p_${i}, :m_${i}, :k_${i})`;
  });
  return [
    { name: 'create_unload_rows', sql: 'CREATE TEMP TABLE unload_rows (page INTEGER, meter_id VARCHAR(64), kwh DOUBLE PRECISION)' },
    { name: 'insert_unload_rows', sql: `INSERT INTO unload_rows (page, meter_id, kwh) VALUES ${tuples.join(', ')}`, params },
    {
      name: 'unload_rows',
      unloadParquet: { sql: 'SELECT page, meter_id, kwh\nFROM unload_rows -- the page folders\n;', prefix: PREFIX, partitionBy: ['page'], ...unload },
    },
    { name: 'drop_unload_rows', sql: 'DROP TABLE unload_rows' },
  ];
}

async function readBack(prefix: string) {
  const keys = (await listKeys(lake, prefix)).filter((k) => k.endsWith('.parquet'));
  const params: Record<string, string> = {};
  const refs = keys.map((k, i) => ((params[`f${i}`] = lake.pathOf(k)), `:f${i}`));
  if (!keys.length) return { keys, rows: [] };
  const rows = await reader.query({
    name: 'read_unload',
    sql: `SELECT page, meter_id, kwh FROM read_parquet([${refs.join(', ')}], hive_partitioning = true) ORDER BY page, meter_id`,
    params,
  });
  return { keys, rows };
}

describe('DuckDB UNLOAD to Parquet', () => {
  it('unloads a temp table filled by a bound INSERT of the same transaction into Hive page folders', async () => {
    const readings = [
      // (in the read-back order: page, then meter id; ' sorts before 1)
      { page: 0, meter: "M'2", kwh: 1.25 },
      { page: 0, meter: 'M1', kwh: 0.5 },
      { page: 1, meter: 'M3', kwh: 2 },
      { page: 2, meter: 'M4', kwh: 3.5 },
    ];
    const results = await wh.transaction(unloadBatch(readings));
    expect(results).toEqual([[], [], [], []]);
    const { keys, rows } = await readBack(PREFIX);
    expect(keys).toEqual([`${PREFIX}page=0/data_0.parquet`, `${PREFIX}page=1/data_0.parquet`, `${PREFIX}page=2/data_0.parquet`]);
    expect(rows).toEqual(readings.map((r) => ({ page: r.page, meter_id: r.meter, kwh: r.kwh })));
    // As on Redshift, the partition column is in the folder name, not in the file.
    const [file] = await reader.query({ name: 'columns', sql: 'SELECT * FROM read_parquet(:f, hive_partitioning = false) LIMIT 1', params: { f: lake.pathOf(keys[0]!) } });
    expect(Object.keys(file!)).toEqual(['meter_id', 'kwh']);
  });

  it('a second UNLOAD to the same prefix replaces the files of the folders it writes, not adds to them', async () => {
    const second = [
      { page: 0, meter: 'M9', kwh: 9 },
      { page: 1, meter: 'M8', kwh: 8 },
      { page: 1, meter: 'M7', kwh: 7 },
    ];
    // A file some earlier writer left in page=1 goes too (CLEANPATH cleans the folder, not just our names).
    await lake.put(`${PREFIX}page=1/0000_part_00.parquet`, 'stale');
    await wh.transaction(unloadBatch(second));
    const { keys, rows } = await readBack(`${PREFIX}page=0/`).then(async (p0) => {
      const p1 = await readBack(`${PREFIX}page=1/`);
      return { keys: [...p0.keys, ...p1.keys], rows: [...p0.rows, ...p1.rows] };
    });
    expect(keys).toEqual([`${PREFIX}page=0/data_0.parquet`, `${PREFIX}page=1/data_0.parquet`]);
    expect(rows).toEqual([
      { page: 0, meter_id: 'M9', kwh: 9 },
      { page: 1, meter_id: 'M7', kwh: 7 },
      { page: 1, meter_id: 'M8', kwh: 8 },
    ]);
    // Redshift's CLEANPATH with PARTITION BY removes files only in the folders that receive new
    // ones: page=2, which this UNLOAD did not produce, keeps the first UNLOAD's file.
    expect(await listKeys(lake, `${PREFIX}page=2/`)).toEqual([`${PREFIX}page=2/data_0.parquet`]);
  });

  it('without PARTITION BY, replaces everything under the prefix with one file', async () => {
    const prefix = 'curated/_unload/flat/';
    await lake.put(`${prefix}old/0001_part_00.parquet`, 'stale');
    await wh.transaction(unloadBatch([{ page: 3, meter: 'M1', kwh: 1 }], { prefix, partitionBy: [] }));
    expect(await listKeys(lake, prefix)).toEqual([`${prefix}data_0.parquet`]);
    const [row] = await reader.query({ name: 'flat', sql: 'SELECT * FROM read_parquet(:f)', params: { f: lake.pathOf(`${prefix}data_0.parquet`) } });
    expect(row).toEqual({ page: 3, meter_id: 'M1', kwh: 1 });
  });

  it('names a NULL partition as Redshift does (__HIVE_DEFAULT_PARTITION__), which DuckDB reads back as NULL', async () => {
    const prefix = 'curated/_unload/nulls/';
    await wh.transaction([
      { name: 'create_null_rows', sql: 'CREATE TEMP TABLE null_rows (page INTEGER, kwh DOUBLE PRECISION)' },
      { name: 'insert_null_rows', sql: 'INSERT INTO null_rows (page, kwh) VALUES (NULL, :k)', params: { k: 4 } },
      { name: 'unload_null_rows', unloadParquet: { sql: 'SELECT page, kwh FROM null_rows', prefix, partitionBy: ['page'] } },
      { name: 'drop_null_rows', sql: 'DROP TABLE null_rows' },
    ]);
    const keys = await listKeys(lake, prefix);
    expect(keys).toEqual([`${prefix}page=__HIVE_DEFAULT_PARTITION__/data_0.parquet`]);
    const rows = await reader.query({ name: 'nulls', sql: 'SELECT page, kwh FROM read_parquet(:f, hive_partitioning = true)', params: { f: lake.pathOf(keys[0]!) } });
    expect(rows).toEqual([{ page: null, kwh: 4 }]);
  });

  it('refuses a query with a :param, naming the statement, and rolls the transaction back', async () => {
    const items = unloadBatch([{ page: 0, meter: 'M1', kwh: 1 }], { sql: 'SELECT page, meter_id, kwh FROM unload_rows WHERE kwh > :min_kwh' });
    const error = await wh.transaction(items).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    expect((error as WarehouseError).statementName).toBe('unload_rows');
    expect((error as Error).message).toMatch(/no bound parameters.*:min_kwh.*temp table/);
    // Rolled back: the temp table of the failed transaction is gone, the next one can create it.
    await expect(wh.query({ name: 'gone', sql: 'SELECT count(*) AS n FROM unload_rows' })).rejects.toThrow(/unload_rows/);
  });

  it('refuses two statements, a non-SELECT, a prefix outside curated/_unload/ and a bad partition column', async () => {
    const cases: Array<[Partial<UnloadStatement['unloadParquet']>, RegExp]> = [
      [{ sql: 'SELECT 1 AS a; SELECT 2 AS b' }, /more than one statement/],
      [{ sql: "DELETE FROM unload_rows WHERE meter_id = 'x'" }, /must be a SELECT/],
      [{ prefix: 'curated/meter_readings/' }, /under curated\/_unload\//],
      [{ prefix: "curated/_unload/it's/" }, /under curated\/_unload\//],
      [{ prefix: 'curated/_unload/../raw/' }, /under curated\/_unload\//],
      [{ partitionBy: ['page; DROP TABLE x'] }, /partition column/],
    ];
    for (const [unload, message] of cases) {
      await expect(wh.transaction(unloadBatch([{ page: 0, meter: 'M1', kwh: 1 }], unload)), String(unload.sql ?? unload.prefix ?? unload.partitionBy)).rejects.toThrow(message);
    }
  });

  it('records the UNLOAD as the Redshift adapter sends it, and its query on its own, for the grammar test', async () => {
    const recording = join(dir, 'recording.jsonl');
    const recorded = await DuckDbWarehouse.open(':memory:', { store: lake, recordStatementsTo: recording });
    try {
      await recorded.transaction(unloadBatch([{ page: 0, meter: 'M1', kwh: 1 }], { sql: "SELECT page, meter_id, kwh FROM unload_rows WHERE meter_id <> 'x'" }));
    } finally {
      await recorded.close();
    }
    const lines = readFileSync(recording, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { name: string; sql: string });
    expect(lines.find((l) => l.name === 'unload_rows')?.sql).toBe(
      "UNLOAD ('SELECT page, meter_id, kwh FROM unload_rows WHERE meter_id <> ''x''') TO 's3://gridlake-lake/curated/_unload/recorded/' " +
        "IAM_ROLE 'arn:aws:iam::123456789012:role/gridlake-copy' FORMAT AS PARQUET PARTITION BY (page) CLEANPATH",
    );
    expect(lines.find((l) => l.name === 'unload_rows:query')?.sql).toBe("SELECT page, meter_id, kwh FROM unload_rows WHERE meter_id <> 'x'");
  });
});
