import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { batchTag } from '../../lambdas/steps/transform/object-keys';
import { fromRejects } from '../../lambdas/steps/transform/csv-line-numbers';
import { parseCsvLine } from '../../lambdas/steps/transform/csv-header';
import { batch, jsonlGz, parquetSchema, quarantineLines, readParquet, readQuarantine, testLake, transformOne, type TestLake } from './transform-helpers';

const FIXTURES = join(__dirname, '..', 'fixtures', 'meters');
const RAW = 'raw/source=meters/dt=2026-11-01/run=run-1/';
/** What a one-file batch adds to each curated row for the load: the file's position and (readings) its zone, here the default one. */
const LOAD_COLUMNS = { file_seq: 1, file_timezone: 'Europe/London' };

let t: TestLake;
afterEach(() => t?.cleanup());

function putFixture(name: string, key = `${RAW}${name}`): string {
  const path = t.lake.pathOf(key);
  mkdirSync(dirname(path), { recursive: true });
  copyFileSync(join(FIXTURES, name), path);
  return key;
}

/** A full naive local day of 30-minute readings for one meter, as a CSV (wall-clock times repeat in fall-back). */
function naiveDayCsv(meter: string, instantsUtc: number[], timezone: string): string {
  const fmt = new Intl.DateTimeFormat('sv-SE', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return 'meter_id,timestamp,kwh\n' + instantsUtc.map((ms, i) => `${meter},${fmt.format(new Date(ms))},${(i + 1) / 100}`).join('\n') + '\n';
}

function localDayInstants(day: string, timezone: string): number[] {
  const fmtDay = new Intl.DateTimeFormat('sv-SE', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const out: number[] = [];
  for (let ms = Date.parse(`${day}T00:00:00Z`) - 14 * 3600e3; ms < Date.parse(`${day}T00:00:00Z`) + 38 * 3600e3; ms += 1800e3) {
    if (fmtDay.format(new Date(ms)) === day) out.push(ms);
  }
  return out;
}

describe('transform: meter readings CSV', () => {
  it('quarantines every malformed row with its line and reason, dedupes, and reconciles', async () => {
    t = testLake();
    const rawKey = putFixture('malformed.csv');
    const out = await transformOne(batch({ rawKey, dataset: 'meter_readings' }), t.ports);

    expect(out).toMatchObject({ rowsIn: 15, rowsOut: 3, duplicates: 2, quarantined: 10 });
    expect(out.rowsIn).toBe(out.rowsOut + out.duplicates + out.quarantined);
    expect(out.curatedKeys).toEqual([expect.stringMatching(/^curated\/meter_readings\/dt=2026-11-01\/run-1-malformed-[0-9a-f]{12}\.parquet$/)]);
    expect(out.quarantineKey).toMatch(/^quarantine\/meters\/dt=2026-11-01\/run=run-1\/malformed-[0-9a-f]{12}-rejects\.jsonl$/);

    const q = await readQuarantine(t.lake, out);
    expect(q.map((l) => [l.line, l.reason])).toEqual([
      [4, 'unparseable number in kwh'],
      [5, 'negative reading'],
      [6, 'above the per-interval maximum of 25 kWh'],
      [7, 'off the 30-minute interval grid'],
      [8, 'unparseable or impossible timestamp'],
      [9, 'unparseable or impossible timestamp'],
      [10, 'missing field: meter_id'],
      [11, expect.stringMatching(/^wrong column count/)],
      [12, expect.stringMatching(/^wrong column count/)],
      [13, 'missing field: kwh'],
    ]);
    expect(q[0]).toMatchObject({ file: rawKey, record: { timestamp: '2026-11-01T01:00:00Z', meter_id: 'M1', kwh: 'abc' } });

    const rows = await readParquet(t.lake, out.curatedKeys[0]!, 'meter_id, interval_start');
    expect(rows).toEqual([
      { meter_id: 'M 2, quoted', interval_start: '2026-11-01 04:30:00+00', interval_minutes: 30, kwh: 1.5, source: 'meters', run_id: 'run-1', received_at: null, ...LOAD_COLUMNS },
      // the re-sent reading (line 16) replaces line 2; the exact duplicate (line 15) is dropped
      { meter_id: 'M1', interval_start: '2026-11-01 00:00:00+00', interval_minutes: 30, kwh: 0.75, source: 'meters', run_id: 'run-1', received_at: null, ...LOAD_COLUMNS },
      { meter_id: 'M1', interval_start: '2026-11-01 00:30:00+00', interval_minutes: 30, kwh: 0.25, source: 'meters', run_id: 'run-1', received_at: null, ...LOAD_COLUMNS },
    ]);
    expect(await parquetSchema(t.lake, out.curatedKeys[0]!)).toEqual([
      'meter_id VARCHAR',
      'interval_start TIMESTAMP WITH TIME ZONE',
      'interval_minutes INTEGER',
      'kwh DOUBLE',
      'source VARCHAR',
      'run_id VARCHAR',
      'received_at TIMESTAMP WITH TIME ZONE',
      // the load's ordering columns after the table's (lambdas/steps/load.ts)
      'file_seq INTEGER',
      'file_timezone VARCHAR',
    ]);
  });

  it('is idempotent: the same batch writes the same keys and rows', async () => {
    t = testLake();
    const rawKey = putFixture('malformed.csv');
    const a = await transformOne(batch({ rawKey, dataset: 'meter_readings' }), t.ports);
    const rowsA = await readParquet(t.lake, a.curatedKeys[0]!, 'meter_id, interval_start');
    const b = await transformOne(batch({ rawKey, dataset: 'meter_readings' }), t.ports);
    expect(b).toEqual(a);
    expect(await readParquet(t.lake, b.curatedKeys[0]!, 'meter_id, interval_start')).toEqual(rowsA);
  });

  it('converts wh to kwh and naive local times to UTC in the batch timezone', async () => {
    t = testLake();
    const rawKey = putFixture('csv-folder/wh-readings.csv', `${RAW}wh-readings.csv`);
    const out = await transformOne(batch({ rawKey, dataset: 'meter_readings', options: { timezone: 'Asia/Tokyo' } }), t.ports);
    expect(out).toMatchObject({ rowsIn: 2, rowsOut: 2, duplicates: 0, quarantined: 0, quarantineKey: null });
    const rows = await readParquet(t.lake, out.curatedKeys[0]!, 'interval_start');
    expect(rows.map((r) => [r.interval_start, r.kwh])).toEqual([
      ['2026-10-31 15:00:00+00', 0.5],
      ['2026-10-31 15:30:00+00', 1.5],
    ]);
  });

  it('fails the batch when the file is not a meter CSV, naming the file and the missing columns', async () => {
    t = testLake();
    const rawKey = putFixture('not-a-meter.csv');
    await expect(transformOne(batch({ rawKey, dataset: 'meter_readings' }), t.ports)).rejects.toThrow(
      /not-a-meter\.csv is not a meter readings CSV: missing column\(s\) meter_id, timestamp, kwh \(or wh\).*Expected a header "meter_id,timestamp,kwh"/,
    );
  });

  it('accepts an empty file: an empty curated Parquet with the table schema and zero counts', async () => {
    t = testLake();
    await t.lake.put(`${RAW}empty.csv`, '');
    const out = await transformOne(batch({ rawKey: `${RAW}empty.csv`, dataset: 'meter_readings' }), t.ports);
    expect(out).toMatchObject({ rowsIn: 0, rowsOut: 0, duplicates: 0, quarantined: 0, quarantineKey: null });
    expect(await parquetSchema(t.lake, out.curatedKeys[0]!)).toHaveLength(7 + 2); // the table's columns and the load's file_seq, file_timezone
  });

  it('London fall-back day: a full naive day keeps 50 distinct intervals (first 01:xx = BST, second = GMT)', async () => {
    t = testLake();
    const instants = localDayInstants('2026-10-25', 'Europe/London');
    expect(instants).toHaveLength(50);
    await t.lake.put(`${RAW}fall.csv`, naiveDayCsv('L1', instants, 'Europe/London'));
    const out = await transformOne(batch({ rawKey: `${RAW}fall.csv`, dataset: 'meter_readings', options: { timezone: 'Europe/London' } }), t.ports);
    expect(out).toMatchObject({ rowsIn: 50, rowsOut: 50, duplicates: 0, quarantined: 0 });
    const rows = await readParquet(t.lake, out.curatedKeys[0]!, 'interval_start');
    expect(rows.map((r) => Date.parse(String(r.interval_start).replace(' ', 'T').replace('+00', 'Z')))).toEqual(instants);
    // values follow file order: the reading written second at 01:00 belongs to 01:00 GMT
    expect(rows.map((r) => r.kwh)).toEqual(instants.map((_, i) => (i + 1) / 100));
  });

  it('London spring-forward day: 46 intervals; a naive time in the skipped hour is quarantined', async () => {
    t = testLake();
    const instants = localDayInstants('2026-03-29', 'Europe/London');
    expect(instants).toHaveLength(46);
    const csv = naiveDayCsv('L1', instants, 'Europe/London') + 'L1,2026-03-29 01:30:00,0.9\n';
    await t.lake.put(`${RAW}spring.csv`, csv);
    const out = await transformOne(batch({ rawKey: `${RAW}spring.csv`, dataset: 'meter_readings', options: { timezone: 'Europe/London' } }), t.ports);
    expect(out).toMatchObject({ rowsIn: 47, rowsOut: 46, duplicates: 0, quarantined: 1 });
    const q = await readQuarantine(t.lake, out);
    expect(q).toEqual([
      { file: `${RAW}spring.csv`, line: 48, reason: 'nonexistent local time (skipped by a DST change)', record: { meter_id: 'L1', timestamp: '2026-03-29 01:30:00', kwh: '0.9' } },
    ]);
  });

  it('reads back the raw record of a late (DST) reject from a quoted CRLF file with a multi-line field', async () => {
    t = testLake();
    const csv =
      '\ufeffmeter_id,timestamp,kwh,note\r\n' +
      'L1,2026-03-29 00:30:00,0.1,"two\r\nlines"\r\n' +
      '"L,1",2026-03-29 01:30:00,0.2,"say ""hi"""\r\n' +
      'L1,2026-03-29 02:00:00,0.3,\r\n';
    await t.lake.put(`${RAW}quoted-spring.csv`, csv);
    const out = await transformOne(batch({ rawKey: `${RAW}quoted-spring.csv`, dataset: 'meter_readings', options: { timezone: 'Europe/London' } }), t.ports);
    expect(out).toMatchObject({ rowsIn: 3, rowsOut: 2, duplicates: 0, quarantined: 1 });
    const q = await readQuarantine(t.lake, out);
    expect(q).toEqual([
      {
        file: `${RAW}quoted-spring.csv`,
        line: 4,
        reason: 'nonexistent local time (skipped by a DST change)',
        record: { meter_id: 'L,1', timestamp: '2026-03-29 01:30:00', kwh: '0.2', note: 'say "hi"' },
      },
    ]);
  });

  it('reads every common ISO 8601 spelling of an instant, a zone name included, in UTC', async () => {
    t = testLake();
    const csv = [
      'meter_id,timestamp,kwh',
      'Z1,2026-11-01T06:30:00 UTC,1', // a zone name: 06:30 UTC, not a Tokyo wall clock
      'Z2,2026-11-01T06:30:00 JST,1',
      'Z3,2026-11-01T06:00Z,1', // no seconds
      'Z4,2026-11-01T05:00+01:00,1',
      'Z5,2026-11-01 06:30:00 +09:00,1', // a space before the offset
      'Z6,2026-11-01T06:30:00z,1',
      'Z7,2026-11-01T06:30:00.000Z,1',
      'Z8,2026-11-01 06:30,1', // naive, no seconds: Tokyo wall clock
    ].join('\n');
    await t.lake.put(`${RAW}iso.csv`, csv + '\n');
    const out = await transformOne(batch({ rawKey: `${RAW}iso.csv`, dataset: 'meter_readings', options: { timezone: 'Asia/Tokyo' } }), t.ports);
    expect(out).toMatchObject({ rowsIn: 8, rowsOut: 8, quarantined: 0 });
    const rows = await readParquet(t.lake, out.curatedKeys[0]!, 'meter_id');
    expect(rows.map((r) => [r.meter_id, r.interval_start])).toEqual([
      ['Z1', '2026-11-01 06:30:00+00'],
      ['Z2', '2026-10-31 21:30:00+00'],
      ['Z3', '2026-11-01 06:00:00+00'],
      ['Z4', '2026-11-01 04:00:00+00'],
      ['Z5', '2026-10-31 21:30:00+00'],
      ['Z6', '2026-11-01 06:30:00+00'],
      ['Z7', '2026-11-01 06:30:00+00'],
      ['Z8', '2026-10-31 21:30:00+00'],
    ]);
  });

  it('quarantines a date without a time and a number with digit separators, never guessing', async () => {
    t = testLake();
    await t.lake.put(`${RAW}odd.csv`, 'meter_id,timestamp,kwh\nD1,2026-10-30,12.5\nD2,2026-10-30T00:00:00Z,1_0\nD3,2026-10-30T00:00:00Z,1.5\n');
    const out = await transformOne(batch({ rawKey: `${RAW}odd.csv`, dataset: 'meter_readings' }), t.ports);
    expect(out).toMatchObject({ rowsIn: 3, rowsOut: 1, quarantined: 2 });
    const q = await readQuarantine(t.lake, out);
    expect(q.map((l) => [l.line, l.reason])).toEqual([
      [2, 'timestamp without a time of day'],
      [3, 'unparseable number in kwh'],
    ]);
  });

  it('warns when every reading is on the hour with 30-minute intervals (hourly data, loaded as told)', async () => {
    t = testLake();
    const hours = Array.from({ length: 24 }, (_, h) => `H1,2026-11-01T${String(h).padStart(2, '0')}:00:00Z,1`);
    await t.lake.put(`${RAW}hourly.csv`, ['meter_id,timestamp,kwh', ...hours].join('\n') + '\n');
    const out = await transformOne(batch({ rawKey: `${RAW}hourly.csv`, dataset: 'meter_readings' }), t.ports);
    expect(out).toMatchObject({ rowsIn: 24, rowsOut: 24, quarantined: 0 });
    expect(out.warnings).toEqual([expect.stringMatching(/all 24 readings start on a 60-minute grid: .*set meters\.intervalMinutes to 60/)]);

    const halfHours = Array.from({ length: 48 }, (_, i) => `H2,2026-11-01T${String(i >> 1).padStart(2, '0')}:${i % 2 ? '30' : '00'}:00Z,1`);
    await t.lake.put(`${RAW}half.csv`, ['meter_id,timestamp,kwh', ...halfHours].join('\n') + '\n');
    expect((await transformOne(batch({ rawKey: `${RAW}half.csv`, dataset: 'meter_readings' }), t.ports)).warnings).toBeUndefined();
  });

  it('quarantines a reading that starts after the run\'s clock (a typo\'d year), offset or naive', async () => {
    t = testLake(); // its clock: 2026-11-02T06:00:00Z
    await t.lake.put(`${RAW}future.csv`, 'meter_id,timestamp,kwh\nF1,2027-06-01T00:00:00Z,1\nF1,2027-06-01 00:00:00,1\nF1,2026-11-02T05:30:00Z,1\nF1,2026-11-02 12:00:00,1\n');
    const out = await transformOne(batch({ rawKey: `${RAW}future.csv`, dataset: 'meter_readings', options: { timezone: 'Asia/Tokyo' } }), t.ports);
    expect(out).toMatchObject({ rowsIn: 4, rowsOut: 2, quarantined: 2 });
    const q = await readQuarantine(t.lake, out);
    expect(q.map((l) => [l.line, l.reason])).toEqual([
      [2, 'timestamp in the future'],
      [3, 'timestamp in the future'],
    ]);
  });

  it('checks an hourly grid when the configured interval is 60 minutes', async () => {
    t = testLake({ meters: { intervalMinutes: 60 } });
    await t.lake.put(`${RAW}hourly.csv`, 'meter_id,timestamp,kwh\nH1,2026-11-01T00:00:00Z,1\nH1,2026-11-01T01:00:00Z,2\nH1,2026-11-01T01:30:00Z,3\n');
    const out = await transformOne(batch({ rawKey: `${RAW}hourly.csv`, dataset: 'meter_readings' }), t.ports);
    expect(out).toMatchObject({ rowsIn: 3, rowsOut: 2, quarantined: 1 });
    expect((await readParquet(t.lake, out.curatedKeys[0]!, 'interval_start')).map((r) => r.interval_minutes)).toEqual([60, 60]);
    const q = await readQuarantine(t.lake, out);
    expect(q.map((l) => [l.line, l.reason])).toEqual([[4, 'off the 60-minute interval grid']]);
  });

  it('names a line that is not UTF-8 as such, not as a wrong column count', async () => {
    t = testLake();
    await t.lake.put(`${RAW}latin1.csv`, Buffer.concat([Buffer.from('meter_id,timestamp,kwh\nM'), Buffer.from([0xe9]), Buffer.from(',2026-11-01T00:00:00Z,1\nM2,2026-11-01T00:00:00Z,1\n')]));
    const out = await transformOne(batch({ rawKey: `${RAW}latin1.csv`, dataset: 'meter_readings' }), t.ports);
    expect(out).toMatchObject({ rowsIn: 2, rowsOut: 1, quarantined: 1 });
    const [q] = await readQuarantine(t.lake, out);
    expect(q).toMatchObject({ line: 2, reason: expect.stringMatching(/^not UTF-8 text \(save the file as UTF-8\)/) });
  });

  it('batches transformed at the same time in one process do not see each other (one DuckDB instance, a connection each)', async () => {
    t = testLake();
    await t.lake.put(`${RAW}a.csv`, 'meter_id,timestamp,kwh\nA1,2026-11-01T00:00:00Z,1\nA1,2026-11-01T00:30:00Z,-1\n');
    await t.lake.put(`${RAW}b.csv`, 'timestamp,meter_id,wh\n2026-11-01 09:00:00,B1,500\n2026-11-01 09:00:00,B1,700\n2026-11-01 09:30:00,B1,x\n');
    const run = () =>
      Promise.all([
        transformOne(batch({ rawKey: `${RAW}a.csv`, dataset: 'meter_readings' }), t.ports),
        transformOne(batch({ rawKey: `${RAW}b.csv`, dataset: 'meter_readings', options: { timezone: 'Asia/Tokyo' } }), t.ports),
      ]);
    const [a, b] = await run();
    expect(a).toMatchObject({ rowsIn: 2, rowsOut: 1, duplicates: 0, quarantined: 1 });
    expect(b).toMatchObject({ rowsIn: 3, rowsOut: 1, duplicates: 1, quarantined: 1 });
    expect((await readParquet(t.lake, b.curatedKeys[0]!, 'meter_id')).map((r) => [r.meter_id, r.interval_start, Number((r.kwh as number).toFixed(9))])).toEqual([
      ['B1', '2026-11-01 00:00:00+00', 0.7], // the later reading wins; 700 Wh × 0.001
    ]);
    const qb = await readQuarantine(t.lake, b);
    expect(qb).toEqual([{ file: `${RAW}b.csv`, line: 4, reason: 'unparseable number in wh', record: { timestamp: '2026-11-01 09:30:00', meter_id: 'B1', wh: 'x' } }]);
    expect(await run()).toEqual([a, b]);
  });

  it('quarantines readings of meters missing from the batch registry, and uses each meter\'s timezone', async () => {
    t = testLake();
    await t.lake.put(`${RAW}meters.jsonl.gz`, jsonlGz([{ meter_id: 'T1', timezone: 'Asia/Tokyo' }, { meter_id: 'L1', timezone: 'Europe/London' }]));
    await t.lake.put(`${RAW}r.csv`, 'meter_id,timestamp,kwh\nT1,2026-11-01 09:00:00,1\nL1,2026-11-01 09:00:00,2\nX9,2026-11-01 09:00:00,3\n');
    const out = await transformOne(
      batch({ rawKey: `${RAW}r.csv`, dataset: 'meter_readings', options: { timezone: 'UTC', metersKey: `${RAW}meters.jsonl.gz` } }),
      t.ports,
    );
    expect(out).toMatchObject({ rowsIn: 3, rowsOut: 2, quarantined: 1 });
    const rows = await readParquet(t.lake, out.curatedKeys[0]!, 'meter_id');
    expect(rows.map((r) => [r.meter_id, r.interval_start])).toEqual([
      ['L1', '2026-11-01 09:00:00+00'],
      ['T1', '2026-11-01 00:00:00+00'],
    ]);
    const q = await readQuarantine(t.lake, out);
    expect(q.map((l) => [l.line, l.reason, l.record.meter_id])).toEqual([[4, 'unknown meter', 'X9']]);
  });

  it('reads the simulator JSONL.gz readings (offset timestamps)', async () => {
    t = testLake();
    const key = 'raw/source=meter-simulator/dt=2026-11-01/run=run-1/meter_readings-00000.jsonl.gz';
    await t.lake.put(
      key,
      jsonlGz([
        { meter_id: 'S1', timestamp: '2026-11-01T00:00:00.000Z', kwh: 0.3 },
        { meter_id: 'S1', timestamp: '2026-11-01T00:00:00.000Z', kwh: 0.3 },
        { meter_id: 'S1', timestamp: '2026-11-01T00:30:00+01:00', kwh: 0.4 },
        { meter_id: 'S1', timestamp: '2026-11-01T00:45:00Z', kwh: 0.4 },
      ]),
    );
    const out = await transformOne(batch({ rawKey: key, source: 'meter-simulator', dataset: 'meter_readings', format: 'jsonl.gz' }), t.ports);
    expect(out).toMatchObject({ rowsIn: 4, rowsOut: 2, duplicates: 1, quarantined: 1 });
    const rows = await readParquet(t.lake, out.curatedKeys[0]!, 'interval_start');
    expect(rows.map((r) => [r.interval_start, r.source])).toEqual([
      ['2026-10-31 23:30:00+00', 'meter-simulator'],
      ['2026-11-01 00:00:00+00', 'meter-simulator'],
    ]);
  });
});

describe('transform: meter CSV quotes and delimiters', () => {
  const quarantineOf = async (key: string) => quarantineLines(Buffer.from(await t.lake.get(key)).toString());

  it('a quote inside an unquoted field is a literal character, as DuckDB reads it: line numbers stay right', async () => {
    t = testLake();
    const key = `${RAW}stray-quote.csv`;
    await t.lake.put(key, 'meter_id,timestamp,kwh\nFlat 3" east,2026-11-01 00:00:00,0.25\nM1,2026-11-01 00:30:00,0.3\nM1,2026-11-01 01:00:00,-1\n');
    const out = await transformOne(batch({ rawKey: key, dataset: 'meter_readings', options: { timezone: 'UTC' } }), t.ports);
    expect(out).toMatchObject({ rowsIn: 3, rowsOut: 2, duplicates: 0, quarantined: 1 });
    expect(await quarantineOf(out.quarantineKey!)).toEqual([
      { file: key, line: 4, reason: 'negative reading', record: { meter_id: 'M1', timestamp: '2026-11-01 01:00:00', kwh: '-1' } },
    ]);
    expect((await readParquet(t.lake, out.curatedKeys[0]!, 'interval_start')).map((r) => [r.meter_id, r.kwh])).toEqual([
      ['Flat 3" east', 0.25],
      ['M1', 0.3],
    ]);
  });

  it('stray quotes beside a quoted field with a line break and "": lines and records, late (DST) rejects read back from the file', async () => {
    t = testLake();
    const key = `${RAW}quotes-spring.csv`;
    const csv = [
      'meter_id,timestamp,kwh',
      'Flat 3" east,2026-03-29 00:00:00,0.25"', // 2: a quote at the end of a field
      '"M ""1""', // 3–4: one quoted field over two lines
      'x",2026-03-29 00:30:00,0.1',
      'M1,2026-03-29 01:30:00,0.2', // 5: nonexistent local time (rejected after the first scan)
      'Flat 3" east,2026-03-29 02:00:00,-1', // 6
      'Flat 3" east,2026-03-29 01:00:00,0.3', // 7: nonexistent local time
      'M1,2026-03-29 02:30:00,0.4', // 8
    ].join('\n');
    await t.lake.put(key, csv + '\n');
    const out = await transformOne(batch({ rawKey: key, dataset: 'meter_readings', options: { timezone: 'Europe/London' } }), t.ports);
    expect(out).toMatchObject({ rowsIn: 6, rowsOut: 2, duplicates: 0, quarantined: 4 });
    const nonexistent = 'nonexistent local time (skipped by a DST change)';
    expect(await quarantineOf(out.quarantineKey!)).toEqual([
      { file: key, line: 2, reason: 'unparseable number in kwh', record: { meter_id: 'Flat 3" east', timestamp: '2026-03-29 00:00:00', kwh: '0.25"' } },
      { file: key, line: 5, reason: nonexistent, record: { meter_id: 'M1', timestamp: '2026-03-29 01:30:00', kwh: '0.2' } },
      { file: key, line: 6, reason: 'negative reading', record: { meter_id: 'Flat 3" east', timestamp: '2026-03-29 02:00:00', kwh: '-1' } },
      { file: key, line: 7, reason: nonexistent, record: { meter_id: 'Flat 3" east', timestamp: '2026-03-29 01:00:00', kwh: '0.3' } },
    ]);
    expect((await readParquet(t.lake, out.curatedKeys[0]!, 'interval_start')).map((r) => [r.meter_id, r.kwh])).toEqual([
      ['M "1"\nx', 0.1],
      ['M1', 0.4],
    ]);
  });

  it('semicolon-separated with decimal commas (a European export): values read, bad rows quarantined by line with header-keyed records', async () => {
    t = testLake();
    const key = `${RAW}semicolon.csv`;
    const csv = [
      'meter_id;timestamp;kwh',
      'M1;2026-11-01 00:00:00;0,25',
      'M1;2026-11-01 00:30:00;1,5',
      'M1;2026-11-01 01:00:00;-0,1', // 4
      'M1;2026-11-01 01:30:00;0.75', // a decimal point is still read
      'M1;2026-11-01 02:00:00;abc', // 6
      'M1;2026-11-01 02:30:00;1,5;extra', // 7
    ].join('\r\n');
    await t.lake.put(key, csv + '\r\n');
    const out = await transformOne(batch({ rawKey: key, dataset: 'meter_readings', options: { timezone: 'UTC' } }), t.ports);
    expect(out).toMatchObject({ rowsIn: 6, rowsOut: 3, duplicates: 0, quarantined: 3 });
    expect((await readParquet(t.lake, out.curatedKeys[0]!, 'interval_start')).map((r) => [r.interval_start, r.kwh])).toEqual([
      ['2026-11-01 00:00:00+00', 0.25],
      ['2026-11-01 00:30:00+00', 1.5],
      ['2026-11-01 01:30:00+00', 0.75],
    ]);
    const q = await quarantineOf(out.quarantineKey!);
    expect(q.map((l) => [l.line, l.reason])).toEqual([
      [4, 'negative reading'],
      [6, 'unparseable number in kwh'],
      [7, expect.stringMatching(/^wrong column count: .*\(header has 3 columns\)$/)],
    ]);
    expect(q.map((l) => l.record)).toEqual([
      { meter_id: 'M1', timestamp: '2026-11-01 01:00:00', kwh: '-0,1' },
      { meter_id: 'M1', timestamp: '2026-11-01 02:00:00', kwh: 'abc' },
      { meter_id: 'M1', timestamp: '2026-11-01 02:30:00', kwh: '1,5', column_4: 'extra' },
    ]);
  });

  it('tab-separated, in Wh with decimal commas', async () => {
    t = testLake();
    const key = `${RAW}tabs.csv`;
    await t.lake.put(key, 'timestamp\tmeter_id\twh\n2026-11-01 00:00:00\tT1\t250,5\n2026-11-01 00:30:00\tT 2\t1000\n2026-11-01 01:00:00\tT1\t-5\n');
    const out = await transformOne(batch({ rawKey: key, dataset: 'meter_readings', options: { timezone: 'UTC' } }), t.ports);
    expect(out).toMatchObject({ rowsIn: 3, rowsOut: 2, quarantined: 1 });
    expect((await readParquet(t.lake, out.curatedKeys[0]!, 'interval_start')).map((r) => [r.meter_id, r.kwh])).toEqual([
      ['T1', 0.2505],
      ['T 2', 1],
    ]);
    expect(await quarantineOf(out.quarantineKey!)).toEqual([
      { file: key, line: 4, reason: 'negative reading', record: { timestamp: '2026-11-01 01:00:00', meter_id: 'T1', wh: '-5' } },
    ]);
  });

  it('semicolon-separated with quoted fields (a ; and a line break inside quotes); a late reject is read back split on ;', async () => {
    t = testLake();
    const key = `${RAW}semicolon-quoted.csv`;
    const csv = [
      '"meter_id";"timestamp";"kwh";"note"',
      '"Flat 3; east";2026-03-29 00:00:00;"0,25";"a ""b""', // 2–3: the note spans two lines
      'c"',
      'M1;2026-03-29 01:30:00;0,2;x', // 4: nonexistent local time
      '"M;2";2026-03-29 02:00:00;-1;', // 5
      'M1;2026-03-29 02:30:00;3,5;', // 6
    ].join('\n');
    await t.lake.put(key, csv + '\n');
    const out = await transformOne(batch({ rawKey: key, dataset: 'meter_readings', options: { timezone: 'Europe/London' } }), t.ports);
    expect(out).toMatchObject({ rowsIn: 4, rowsOut: 2, quarantined: 2 });
    expect((await readParquet(t.lake, out.curatedKeys[0]!, 'interval_start')).map((r) => [r.meter_id, r.interval_start, r.kwh])).toEqual([
      ['Flat 3; east', '2026-03-29 00:00:00+00', 0.25],
      ['M1', '2026-03-29 01:30:00+00', 3.5],
    ]);
    expect(await quarantineOf(out.quarantineKey!)).toEqual([
      { file: key, line: 4, reason: 'nonexistent local time (skipped by a DST change)', record: { meter_id: 'M1', timestamp: '2026-03-29 01:30:00', kwh: '0,2', note: 'x' } },
      { file: key, line: 5, reason: 'negative reading', record: { meter_id: 'M;2', timestamp: '2026-03-29 02:00:00', kwh: '-1', note: null } },
    ]);
  });

  it('a header that no delimiter splits into the required columns: says what was found and what to do, without control bytes', async () => {
    t = testLake();
    const fails = async (name: string, body: string | Uint8Array) => {
      await t.lake.put(`${RAW}${name}`, body);
      const err = await transformOne(batch({ rawKey: `${RAW}${name}`, dataset: 'meter_readings' }), t.ports).then(
        () => null,
        (e: Error) => e,
      );
      expect(err?.name).toBe('RawFileRejected'); // the one name the workflow catches
      expect(err!.message).not.toMatch(/[\u0000-\u001f\u007f\ufffd]/);
      return err!.message;
    };
    expect(await fails('pipes.csv', 'meter_id|timestamp|kwh\nM1|2026-11-01 00:00:00|1\n')).toMatch(
      /pipes\.csv is not a meter readings CSV: missing column\(s\) meter_id, timestamp, kwh \(or wh\) \(found: meter_id\|timestamp\|kwh\)\. .*commas, semicolons or tabs.*looks like it uses another separator/,
    );
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('meter_id,timestamp,kwh\nM1,2026-11-01 00:00:00,1\n', 'utf16le')]);
    expect(await fails('utf16.csv', utf16)).toMatch(/utf16\.csv is not a meter readings CSV: missing column\(s\).*\(found: \?\?m\?e\?t.*not UTF-8 text/);
    expect(await fails('semi-partial.csv', 'meter_id;time;kWh\nM1;2026-11-01 00:00:00;1\n')).toMatch(
      /missing column\(s\) timestamp \(found: meter_id, time, kWh, read as separated by semicolons\)/,
    );
    const both = await fails('both.csv', 'meter_id;timestamp;kwh;wh\nM1;2026-11-01 00:00:00;1;1000\n');
    expect(both).toBe(
      `${RAW}both.csv has both a kwh and a wh column (found: meter_id, timestamp, kwh, wh, read as separated by semicolons): keep one of them, so that each reading has one value, and import the file again.`,
    );
  });
});

describe('transform: JSONL datasets', () => {
  const UT = 'raw/source=utilities/dt=2026-11-01/run=run-1/';

  it('utility_usage: emissions from the configured factors; unknown types, negative amounts and bad months quarantined', async () => {
    t = testLake();
    const key = `${UT}utility_usage-00000.jsonl.gz`;
    await t.lake.put(
      key,
      jsonlGz([
        { household_id: '1901-0101', energy_type: 'electricity', month: '2026-11-01', amount: 300, unit: 'kWh' },
        { household_id: '1901-0101', energy_type: 'heating', month: '2026-11', amount: 1000, unit: 'MJ' },
        { household_id: '1901-0101', energy_type: 'gas', month: '2026-11-01', amount: 5, unit: 'm3' },
        { household_id: '1901-0102', energy_type: 'water', month: '2026-11-01', amount: -1, unit: 'm3' },
        { household_id: '1901-0102', energy_type: 'water', month: '2026-13-01', amount: 1, unit: 'm3' },
        { household_id: '1901-0101', energy_type: 'electricity', month: '2026-11-01', amount: 310, unit: 'kWh' },
      ]),
    );
    const out = await transformOne(batch({ rawKey: key, source: 'utilities', dataset: 'utility_usage', format: 'jsonl.gz' }), t.ports);
    expect(out).toMatchObject({ rowsIn: 6, rowsOut: 2, duplicates: 1, quarantined: 3 });
    const rows = await readParquet(t.lake, out.curatedKeys[0]!, 'energy_type');
    expect(rows).toEqual([
      { household_id: '1901-0101', energy_type: 'electricity', month: '2026-11-01', amount: 310, unit: 'kWh', emission_factor: 0.4747, emission_kg: 310 * 0.4747, run_id: 'run-1', file_seq: 1 },
      { household_id: '1901-0101', energy_type: 'heating', month: '2026-11-01', amount: 1000, unit: 'MJ', emission_factor: 0.202, emission_kg: 1000 * 0.202, run_id: 'run-1', file_seq: 1 },
    ]);
    const q = await readQuarantine(t.lake, out);
    expect(q.map((l) => [l.line, l.reason])).toEqual([
      [3, 'unknown energy type (no emission factor configured)'],
      [4, 'negative amount'],
      [5, 'unparseable month (expected YYYY-MM or YYYY-MM-01)'],
    ]);
  });

  it('market_prices: rejects high < low, non-positive prices and negative volume', async () => {
    t = testLake();
    const key = 'raw/source=market/dt=2026-11-01/run=run-1/market_prices-00000.jsonl.gz';
    const bar = { symbol: 'SPY', trade_date: '2026-10-30', open: 10, high: 11, low: 9, close: 10.5, adj_close: 10.5, volume: 1000 };
    await t.lake.put(
      key,
      jsonlGz([bar, { ...bar, trade_date: '2026-10-29', high: 8 }, { ...bar, trade_date: '2026-10-28', open: 0 }, { ...bar, trade_date: '2026-10-27', volume: -5 }]),
    );
    const out = await transformOne(batch({ rawKey: key, source: 'market', dataset: 'market_prices', format: 'jsonl.gz' }), t.ports);
    expect(out).toMatchObject({ rowsIn: 4, rowsOut: 1, quarantined: 3 });
    const q = await readQuarantine(t.lake, out);
    expect(q.map((l) => l.reason)).toEqual(['high below low', 'non-positive price', 'negative volume']);
    const { open, ...rest } = bar; // the provider's open is the column open_price (OPEN is a Redshift reserved word)
    expect(await readParquet(t.lake, out.curatedKeys[0]!, 'symbol')).toEqual([
      { ...rest, open_price: open, volume: '1000', source: 'market', run_id: 'run-1', file_seq: 1 },
    ]); // BIGINT reads back as text in JSON
  });

  it('meters, buildings and households: typed, validated, last record wins', async () => {
    t = testLake();
    const mk = `${RAW}meters.jsonl.gz`;
    await t.lake.put(mk, jsonlGz([{ meter_id: 'A', timezone: 'Europe/London', area: 'a1', tariff: 't1' }, { meter_id: 'B', timezone: 'Mars/Olympus' }, { meter_id: 'A', timezone: 'Asia/Tokyo', area: 'a2' }]));
    const m = await transformOne(batch({ rawKey: mk, dataset: 'meters', format: 'jsonl.gz' }), t.ports);
    expect(m).toMatchObject({ rowsIn: 3, rowsOut: 1, duplicates: 1, quarantined: 1 });
    expect(await readParquet(t.lake, m.curatedKeys[0]!, 'meter_id')).toEqual([
      { meter_id: 'A', timezone: 'Asia/Tokyo', area: 'a2', tariff: null, source: 'meters', updated_run: 'run-1', file_seq: 1 },
    ]);

    const bk = `${UT}buildings-00000.jsonl.gz`;
    await t.lake.put(bk, jsonlGz([{ building_id: 1901, floors: 20, units_per_floor: 4, households: 80 }, { building_id: 1911, floors: 20, units_per_floor: 2, households: 41 }]));
    const b = await transformOne(batch({ rawKey: bk, source: 'utilities', dataset: 'buildings', format: 'jsonl.gz' }), t.ports);
    expect(b).toMatchObject({ rowsIn: 2, rowsOut: 1, quarantined: 1 });

    const hk = `${UT}households-00000.jsonl.gz`;
    await t.lake.put(hk, jsonlGz([{ household_id: '1901-0101', building_id: 1901, floor: 1, unit: 1 }, { household_id: '1901-0102', building_id: 1901, floor: 'x', unit: 2 }]));
    const h = await transformOne(batch({ rawKey: hk, source: 'utilities', dataset: 'households', format: 'jsonl.gz' }), t.ports);
    expect(h).toMatchObject({ rowsIn: 2, rowsOut: 1, quarantined: 1 });
    expect(await readParquet(t.lake, h.curatedKeys[0]!, 'household_id')).toEqual([{ household_id: '1901-0101', building_id: 1901, floor: 1, unit: 1, file_seq: 1 }]);
  });
});

describe('transform helpers', () => {
  it('batch tags are unique per raw object within a run', () => {
    expect(batchTag('raw/source=meters/dt=2026-11-01/run=r/imp-1/consumption/3000.csv')).toMatch(/^imp-1_consumption_3000-[0-9a-f]{12}$/);
    expect(batchTag('raw/source=utilities/dt=2026-11-01/run=r/utility_usage-00000.jsonl.gz')).toMatch(/^utility_usage-00000-[0-9a-f]{12}$/);
    // Names that slug alike still get distinct tags (the hash is over the whole path).
    const alike = ['東京.csv', '大阪.csv', 'site a.csv', 'site_a.csv', 'site/a.csv', 'x.csv', 'x.CSV', 'data.csv', 'data.json.csv'];
    const tags = alike.map((n) => batchTag(`raw/source=meters/dt=2026-11-01/run=r/imp-1/${n}`));
    expect(new Set(tags).size).toBe(alike.length);
  });

  it('splits a record as DuckDB does: quotes open only at the start of a field, "" is a quote, any delimiter', () => {
    expect(parseCsvLine('Flat 3" east,2026-11-01 00:00:00,0.25"')).toEqual(['Flat 3" east', '2026-11-01 00:00:00', '0.25"']);
    expect(parseCsvLine('"M ""1""\nx", "b,x" ,1')).toEqual(['M "1"\nx', 'b,x', '1']);
    expect(parseCsvLine('"Flat 3; east";t;"0,25";', ';')).toEqual(['Flat 3; east', 't', '0,25', '']);
    expect(parseCsvLine('T1\t"a\tb"\t250,5', '\t')).toEqual(['T1', 'a\tb', '250,5']);
  });

  it('line numbers of accepted rows skip the rejected lines', () => {
    // header = 1; lines 4 and 5 rejected: accepted rows 1, 2 are lines 2, 3; row 3 is line 6
    expect([...fromRejects([4, 5], [1, 2, 3, 4]).entries()]).toEqual([
      [1, 2],
      [2, 3],
      [3, 6],
      [4, 7],
    ]);
  });
});
