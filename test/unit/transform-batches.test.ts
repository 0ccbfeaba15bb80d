/**
 * Collect's grouping of raw files into transform batches (lambdas/steps/transform-batches.ts), and a
 * batch of files through the transform: one curated Parquet and one quarantine for the batch, each
 * file's own counts, lines and rejection kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch, TransformBatch } from '../../lambdas/contract/manifests';
import { closeTransformInstances } from '../../lambdas/steps/transform/duckdb-session';
import { transformBatch } from '../../lambdas/steps/transform';
import { groupIntoBatches, MAX_BATCH_ITEM_BYTES } from '../../lambdas/steps/transform-batches';
import { batch, parquetSchema, readParquet, readQuarantine, testLake, type TestLake } from './transform-helpers';

const file = (rawKey: string, dataset = 'meter_readings', options: Batch['options'] = {}): Batch => batch({ rawKey, dataset, options });

describe('grouping files into batches', () => {
  it('groups small files up to the byte bound, in order, numbering every file', () => {
    const files = Array.from({ length: 10 }, (_, i) => file(`raw/source=meters/dt=2026-11-01/run=run-1/imp/${i}.csv`));
    const batches = groupIntoBatches(files, () => 300, { batchBytes: 1000, maxItemBytes: MAX_BATCH_ITEM_BYTES });
    expect(batches.map((b) => b.files.length)).toEqual([3, 3, 3, 1]);
    expect(batches.flatMap((b) => b.files.map((f) => f.seq))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(batches.map((b) => b.tag)).size).toBe(4);
    expect(batches[0]).toMatchObject({ runId: 'run-1', date: '2026-11-01', source: 'meters', dataset: 'meter_readings' });
  });

  it('a file larger than the bound is a batch of its own; a new dataset starts a new batch', () => {
    const files = [file('raw/a.csv'), file('raw/big.csv'), file('raw/b.csv'), file('raw/m.jsonl.gz', 'meters'), file('raw/c.csv')];
    const sizes: Record<string, number> = { 'raw/big.csv': 5000 };
    const batches = groupIntoBatches(files, (k) => sizes[k] ?? 10, { batchBytes: 1000, maxItemBytes: MAX_BATCH_ITEM_BYTES });
    expect(batches.map((b) => b.files.map((f) => f.rawKey))).toEqual([['raw/a.csv'], ['raw/big.csv'], ['raw/b.csv'], ['raw/m.jsonl.gz'], ['raw/c.csv']]);
    expect(batches.map((b) => b.dataset)).toEqual(['meter_readings', 'meter_readings', 'meter_readings', 'meters', 'meter_readings']);
  });

  it('keeps every batch item within the bound the Distributed Map can pass to a child (256 KB input)', () => {
    const options = { timezone: 'Asia/Tokyo', receivedAt: '2026-11-20T01:02:03.000Z', columnMap: 'datetime=timestamp,consumption=wh', metersKey: 'raw/x/meters.jsonl.gz' };
    const files = Array.from({ length: 5000 }, (_, i) => file(`raw/source=meters/dt=2026-11-20/run=run-1/export/consumption/${100000 + i}.csv`, 'meter_readings', { ...options, meterId: String(100000 + i) }));
    const batches = groupIntoBatches(files, () => 1500, { batchBytes: 64 * 1024 ** 2, maxItemBytes: MAX_BATCH_ITEM_BYTES });
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.length).toBeLessThan(100);
    for (const b of batches) expect(Buffer.byteLength(JSON.stringify(b))).toBeLessThanOrEqual(MAX_BATCH_ITEM_BYTES);
    expect(batches.reduce((n, b) => n + b.files.length, 0)).toBe(5000);
  });
});

describe('a batch of files through the transform', () => {
  let t: TestLake;
  beforeAll(() => {
    t = testLake();
  });
  afterAll(async () => {
    await closeTransformInstances();
    t.cleanup();
  });

  it('one curated Parquet and one quarantine for the batch; per-file counts, lines and order; a bad file left out alone', async () => {
    const prefix = 'raw/source=meters/dt=2026-11-01/run=run-1/imp/';
    const bodies: Record<string, string> = {
      'a.csv': 'meter_id,timestamp,kwh\nM1,2026-11-01 00:00:00,0.1\nM1,2026-11-01 00:30:00,0.2\n',
      'not-readings.csv': 'name,colour\napple,red\n',
      'b.csv': 'meter_id,timestamp,kwh\nM2,2026-11-01 00:00:00,0.3\nM2,2026-11-01 00:30:00,-1\n',
      // Re-sends M1's first reading: both versions reach the load, which keeps this later file's.
      'c.csv': 'meter_id,timestamp,kwh\nM1,2026-11-01 00:00:00,0.15\n',
    };
    for (const [name, body] of Object.entries(bodies)) await t.lake.put(prefix + name, body);
    const tb: TransformBatch = {
      runId: 'run-1',
      date: '2026-11-01',
      source: 'meters',
      dataset: 'meter_readings',
      tag: 'imp_a-x4-000000000000',
      files: Object.keys(bodies).map((name, i) => ({ rawKey: prefix + name, format: 'csv', options: { timezone: 'UTC' }, seq: 10 + i, bytes: bodies[name]!.length })),
    };
    const out = await transformBatch(tb, t.ports);
    expect(out.curatedKeys).toEqual(['curated/meter_readings/dt=2026-11-01/run-1-imp_a-x4-000000000000.parquet']);
    expect(out.curatedBytes[0]).toBeGreaterThan(0);
    expect(out.rejected).toHaveLength(1);
    expect(out.rejected[0]!.rawKey).toBe(prefix + 'not-readings.csv');
    expect(JSON.parse(out.rejected[0]!.error).errorType).toBe('RawFileRejected');
    expect(out.files.map((f) => [f.rawKey.slice(prefix.length), f.seq, f.rowsIn, f.rowsOut, f.duplicates, f.quarantined])).toEqual([
      ['a.csv', 10, 2, 2, 0, 0],
      ['b.csv', 12, 2, 1, 0, 1],
      ['c.csv', 13, 1, 1, 0, 0],
    ]);
    expect([out.rowsIn, out.rowsOut, out.duplicates, out.quarantined]).toEqual([5, 4, 0, 1]);
    // The table's columns, then the load's: the file's position and the zone its times were read in.
    expect((await parquetSchema(t.lake, out.curatedKeys[0]!)).slice(-2)).toEqual(['file_seq INTEGER', 'file_timezone VARCHAR']);
    const rows = await readParquet(t.lake, out.curatedKeys[0]!, 'file_seq, interval_start');
    expect(rows.map((r) => [r.meter_id, r.kwh, r.file_seq])).toEqual([
      ['M1', 0.1, 10],
      ['M1', 0.2, 10],
      ['M2', 0.3, 12],
      ['M1', 0.15, 13],
    ]);
    const rejects = await readQuarantine(t.lake, out);
    expect(rejects).toEqual([expect.objectContaining({ file: prefix + 'b.csv', line: 3, reason: 'negative reading' })]);
  });

  it("each file is read in its own session: a file's zone, meter registry and reader rejects never reach the next file", async () => {
    const prefix = 'raw/source=meters/dt=2026-11-01/run=run-2/imp/';
    const registryKey = 'landing/meters/imp-2/meters.jsonl';
    await t.lake.put(registryKey, '{"meter_id":"T1","timezone":"Asia/Tokyo"}\n');
    const bodies: Record<string, string> = {
      // Tokyo times, a registry that knows only T1, and a line the CSV reader rejects (4 fields).
      'tokyo.csv': 'meter_id,timestamp,kwh\nT1,2026-11-01 09:00:00,0.1\nT1,2026-11-01 09:30:00,0.2,extra\nX1,2026-11-01 09:00:00,0.3\n',
      // UTC, no registry: X1 is a meter like any other, 00:00 is 00:00Z, and nothing is rejected.
      'utc.csv': 'meter_id,timestamp,kwh\nX1,2026-11-01 00:00:00,0.4\nT1,2026-11-01 00:30:00,0.5\n',
    };
    for (const [name, body] of Object.entries(bodies)) await t.lake.put(prefix + name, body);
    const options: Record<string, Batch['options']> = { 'tokyo.csv': { timezone: 'Asia/Tokyo', metersKey: registryKey }, 'utc.csv': { timezone: 'UTC' } };
    const out = await transformBatch(
      {
        runId: 'run-2',
        date: '2026-11-01',
        source: 'meters',
        dataset: 'meter_readings',
        tag: 'imp-x2-000000000000',
        files: Object.keys(bodies).map((name, i) => ({ rawKey: prefix + name, format: 'csv', options: options[name]!, seq: i + 1, bytes: bodies[name]!.length })),
      },
      t.ports,
    );
    expect(out.rejected).toEqual([]);
    expect(out.files.map((f) => [f.rawKey.slice(prefix.length), f.rowsIn, f.rowsOut, f.duplicates, f.quarantined, f.timezone])).toEqual([
      ['tokyo.csv', 3, 1, 0, 2, 'Asia/Tokyo'],
      ['utc.csv', 2, 2, 0, 0, 'UTC'],
    ]);
    const rows = await readParquet(t.lake, out.curatedKeys[0]!, 'file_seq, meter_id');
    expect(rows.map((r) => [r.meter_id, r.interval_start, r.kwh, r.file_seq, r.file_timezone])).toEqual([
      ['T1', '2026-11-01 00:00:00+00', 0.1, 1, 'Asia/Tokyo'],
      ['T1', '2026-11-01 00:30:00+00', 0.5, 2, 'UTC'],
      ['X1', '2026-11-01 00:00:00+00', 0.4, 2, 'UTC'],
    ]);
    const rejects = await readQuarantine(t.lake, out);
    expect(rejects.map((r) => [r.file.slice(prefix.length), r.line, r.reason.replace(/:.*/, '')])).toEqual([
      ['tokyo.csv', 3, 'wrong column count'],
      ['tokyo.csv', 4, 'unknown meter'],
    ]);
  });

  it('files read at the same time keep the batch in file order: results, rejects, quarantine lines and rows', async () => {
    const prefix = 'raw/source=meters/dt=2026-11-01/run=run-3/imp/';
    const names = ['f0.csv', 'f1.csv', 'f2.csv', 'f3.csv', 'f4.csv', 'f5.csv'];
    const bodies = names.map((name, i) => {
      if (i === 3) return 'name,colour\napple,red\n'; // not a meter CSV: rejected, the others load
      // The first files are the largest, so later files finish first.
      const rows = Array.from({ length: (6 - i) * 400 }, (_, k) => `M${i},${new Date(Date.parse('2026-06-01T00:00:00Z') + k * 1800e3).toISOString()},0.5`);
      return ['meter_id,timestamp,kwh', ...rows, `M${i},2026-06-01T00:00:00Z,-1`].join('\n') + '\n';
    });
    for (const [i, name] of names.entries()) await t.lake.put(prefix + name, bodies[i]!);
    const files = names.map((name, i) => ({ rawKey: prefix + name, format: 'csv' as const, options: { timezone: 'UTC' }, seq: i + 1, bytes: bodies[i]!.length }));
    const out = await transformBatch({ runId: 'run-3', date: '2026-11-01', source: 'meters', dataset: 'meter_readings', tag: 'imp-x6-000000000000', files }, t.ports, {
      fileConcurrency: 3,
    });
    expect(out.rejected.map((r) => r.rawKey.slice(prefix.length))).toEqual(['f3.csv']);
    expect(out.files.map((f) => [f.rawKey.slice(prefix.length), f.seq, f.rowsIn, f.rowsOut, f.quarantined])).toEqual([
      ['f0.csv', 1, 2401, 2400, 1],
      ['f1.csv', 2, 2001, 2000, 1],
      ['f2.csv', 3, 1601, 1600, 1],
      ['f4.csv', 5, 801, 800, 1],
      ['f5.csv', 6, 401, 400, 1],
    ]);
    expect((await readQuarantine(t.lake, out)).map((q) => [q.file.slice(prefix.length), q.line])).toEqual([
      ['f0.csv', 2402],
      ['f1.csv', 2002],
      ['f2.csv', 1602],
      ['f4.csv', 802],
      ['f5.csv', 402],
    ]);
    const rows = await readParquet(t.lake, out.curatedKeys[0]!, 'file_seq, interval_start');
    expect(rows).toHaveLength(7200);
    expect([...new Set(rows.map((r) => `${r.meter_id}:${r.file_seq}`))]).toEqual(['M0:1', 'M1:2', 'M2:3', 'M4:5', 'M5:6']);
  });

  it('a batch that is written as one Parquet leaves no table behind in the process', async () => {
    const { TransformSession } = await import('../../lambdas/steps/transform/duckdb-session');
    const session = await TransformSession.open({ spillDir: t.ports.tmpDir + '/duckdb-spill' });
    try {
      expect(await session.rows("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'gridlake_batch_%'")).toEqual([]);
    } finally {
      session.close();
    }
  });
});
