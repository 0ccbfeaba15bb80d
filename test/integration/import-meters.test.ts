import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listKeys } from '../../lambdas/ports/object-store';
import { importMeters, metersSource } from '../../lambdas/sources/meters/index';
import { quarantineLines, readParquet, testLake, transformOne, type TestLake } from '../unit/transform-helpers';

const FIXTURES = join(__dirname, '..', 'fixtures', 'meters');
const collectInput = { runId: 'run-1', date: '2026-11-01', source: 'meters' as const };

let t: TestLake;
afterEach(() => t?.cleanup());

describe('import meters → collect → transform', () => {
  it('imports the seed app export folder as is: meters from user_data.csv, readings in Wh with the meter from the file name', async () => {
    t = testLake();
    const imported = await importMeters(join(FIXTURES, 'smap-export'), { timezone: 'Asia/Tokyo', importId: 'imp-a' }, t.ports);
    expect(imported).toMatchObject({ importId: 'imp-a', layout: 'smap-export', files: 3, meters: 2, timezone: 'Asia/Tokyo' });
    expect(await listKeys(t.lake, 'landing/meters/imp-a/')).toEqual([
      'landing/meters/imp-a/consumption/3000.csv',
      'landing/meters/imp-a/consumption/3001.csv',
      'landing/meters/imp-a/consumption/3002.csv',
      'landing/meters/imp-a/manifest.json',
      'landing/meters/imp-a/user_data.csv',
    ]);

    const batches = await metersSource.collect(collectInput, t.ports);
    expect(await listKeys(t.lake, 'landing/')).toEqual([]);
    expect(batches.map((b) => [b.dataset, b.rawKey.split('/').slice(4).join('/')])).toEqual([
      ['meters', 'imp-a/meters.jsonl.gz'],
      ['meter_readings', 'imp-a/consumption/3000.csv'],
      ['meter_readings', 'imp-a/consumption/3001.csv'],
      ['meter_readings', 'imp-a/consumption/3002.csv'],
    ]);
    expect(batches[1]!.options).toMatchObject({ timezone: 'Asia/Tokyo', meterId: '3000', columnMap: 'datetime=timestamp,consumption=wh' });

    const outs = [];
    for (const b of batches) outs.push(await transformOne(b, t.ports));
    const [meters, m3000, m3001, m3002] = outs;
    expect(meters).toMatchObject({ rowsIn: 2, rowsOut: 2 });
    // 3000.csv: 10 rows, two timestamps sent twice with different values → the later value wins
    expect(m3000).toMatchObject({ rowsIn: 10, rowsOut: 8, duplicates: 2, quarantined: 0 });
    const rows = await readParquet(t.lake, m3000!.curatedKeys[0]!, 'interval_start');
    expect(rows.slice(4, 6).map((r) => [r.meter_id, r.interval_start, r.kwh])).toEqual([
      ['3000', '2016-10-25 16:00:00+00', 0.039], // 2016-10-26 01:00 JST, second value (39 Wh)
      ['3000', '2016-10-25 16:30:00+00', 0.038],
    ]);
    expect(m3001).toMatchObject({ rowsIn: 6, rowsOut: 6 });
    // 3002 is not in user_data.csv: its readings are quarantined as unknown meters
    expect(m3002).toMatchObject({ rowsIn: 3, rowsOut: 0, quarantined: 3 });
    const q = quarantineLines(Buffer.from(await t.lake.get(m3002!.quarantineKey!)).toString());
    expect(q[0]).toMatchObject({ line: 2, reason: 'unknown meter', record: { datetime: '2016-07-15 00:00:00', consumption: '456.0' } });
  });

  it('a re-run of the same run (landing already moved) emits the same batches', async () => {
    t = testLake();
    await importMeters(join(FIXTURES, 'csv-folder'), { timezone: 'Asia/Tokyo', importId: 'imp-b' }, t.ports);
    const first = await metersSource.collect(collectInput, t.ports);
    const again = await metersSource.collect(collectInput, t.ports);
    expect(again).toEqual(first);
    expect(first.map((b) => [b.dataset, b.options])).toEqual([
      // receivedAt: the import's time (the newest received version of a reading wins in the load)
      ['meter_readings', { timezone: 'Asia/Tokyo', receivedAt: '2026-11-02T06:00:00.000Z' }],
      ['meter_readings', { timezone: 'Asia/Tokyo', receivedAt: '2026-11-02T06:00:00.000Z' }],
    ]);
  });

  it('importing the same file twice gives identical curated rows (the MERGE downstream loads them once)', async () => {
    t = testLake();
    const file = join(FIXTURES, 'csv-folder', 'wh-readings.csv');
    await importMeters(file, { timezone: 'Asia/Tokyo', importId: 'imp-1' }, t.ports);
    await importMeters(file, { timezone: 'Asia/Tokyo', importId: 'imp-2' }, t.ports);
    const batches = await metersSource.collect(collectInput, t.ports);
    expect(batches).toHaveLength(2);
    const [a, b] = [await transformOne(batches[0]!, t.ports), await transformOne(batches[1]!, t.ports)];
    expect(a.curatedKeys[0]).not.toEqual(b.curatedKeys[0]);
    expect(await readParquet(t.lake, a.curatedKeys[0]!, 'interval_start')).toEqual(await readParquet(t.lake, b.curatedKeys[0]!, 'interval_start'));
  });

  it('no landing files → zero batches', async () => {
    t = testLake();
    expect(await metersSource.collect(collectInput, t.ports)).toEqual([]);
  });

  it('--timestamps-zone reads the export folder\'s clock in that zone for every meter, while the meters keep their own zone', async () => {
    t = testLake();
    await importMeters(join(FIXTURES, 'smap-export'), { timezone: 'Asia/Tokyo', timestampsZone: 'UTC', importId: 'imp-utc' }, t.ports);
    const batches = await metersSource.collect(collectInput, t.ports);
    expect(batches[2]!.options).toMatchObject({ timezone: 'Asia/Tokyo', timestampsZone: 'UTC', meterId: '3001' });
    const meters = await transformOne(batches[0]!, t.ports);
    expect((await readParquet(t.lake, meters.curatedKeys[0]!, 'meter_id')).map((m) => [m.meter_id, m.timezone])).toEqual([
      ['3000', 'Asia/Tokyo'],
      ['3001', 'Asia/Tokyo'],
    ]);
    // 3001.csv starts "2016-07-15 00:00:00,378.0": midnight UTC, not midnight in Tokyo (15:00 UTC the day before).
    const m3001 = await transformOne(batches[2]!, t.ports);
    expect(m3001).toMatchObject({ rowsIn: 6, rowsOut: 6, quarantined: 0, timezone: 'Asia/Tokyo' });
    const rows = await readParquet(t.lake, m3001.curatedKeys[0]!, 'interval_start');
    expect(rows.slice(0, 2).map((r) => [r.interval_start, r.kwh])).toEqual([
      ['2016-07-15 00:00:00+00', 0.378],
      ['2016-07-15 00:30:00+00', 0.341],
    ]);
  });

  it('one energy-app consumption file on its own is recognised by its header: Wh, the meter named by the file', async () => {
    t = testLake();
    const result = await importMeters(join(FIXTURES, 'smap-export', 'consumption', '3001.csv'), { timezone: 'Asia/Tokyo', importId: 'imp-one' }, t.ports);
    expect(result.recognised).toEqual([{ layout: 'smap-consumption', title: expect.stringContaining('datetime,consumption'), files: 1 }]);
    const [batch] = await metersSource.collect(collectInput, t.ports);
    expect(batch!.options).toMatchObject({ meterId: '3001', timezone: 'Asia/Tokyo' });
    const out = await transformOne(batch!, t.ports);
    const rows = await readParquet(t.lake, out.curatedKeys[0]!, 'interval_start');
    expect(rows[0]).toMatchObject({ meter_id: '3001', interval_start: '2016-07-14 15:00:00+00', kwh: 0.378 });
  });

  it('validates early: a missing path, a folder without CSV, a bad timezone', async () => {
    t = testLake();
    await expect(importMeters(join(FIXTURES, 'nope.csv'), {}, t.ports)).rejects.toThrow(/nope\.csv does not exist/);
    await expect(importMeters(join(FIXTURES, 'smap-export', 'user_data.csv'), { timezone: 'Mars/Base' }, t.ports)).rejects.toThrow(/not an IANA timezone/);
    const empty = join(t.dir, 'empty-folder');
    mkdirSync(empty);
    await expect(importMeters(empty, {}, t.ports)).rejects.toThrow(/empty-folder has no \.csv files/);
    expect(await listKeys(t.lake, 'landing/')).toEqual([]);
  });
});
