/**
 * The hostile corpus of the transform: files built byte by byte here (a stray quote, a lone CR,
 * corrupted bytes, NUL, mixed line ends, over-long lines and headers, JSON lines that are not JSON).
 * Every file either reconciles from its own record count (rows_in = data records of the file,
 * whatever the reader returned) with the broken records quarantined by line, or fails only its own
 * batch with RawFileRejected naming the file, the line and the fix.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { importMeters } from '../../lambdas/sources/meters/import-meters';
import { afterEach, describe, expect, it } from 'vitest';
import { surveyCsv } from '../../lambdas/steps/transform/csv-survey';
import { batch, jsonlGz, readParquet, readQuarantine, testLake, transformOne, type TestLake } from './transform-helpers';

const RAW = 'raw/source=meters/dt=2026-11-01/run=run-1/';
let t: TestLake;
afterEach(() => t?.cleanup());

function put(name: string, bytes: Buffer | string, key = `${RAW}${name}`): string {
  const path = t.lake.pathOf(key);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return key;
}

/** n distinct readings (50 meters, 30-minute intervals from 2026-10-01); row k (1-based) replaced by `bad[k]` when given. */
function readings(n: number, bad: Record<number, string> = {}, eol = '\n'): string {
  const start = Date.parse('2026-10-01T00:00:00Z');
  const rows = Array.from({ length: n }, (_, i) => bad[i + 1] ?? `M${i % 50},${new Date(start + Math.floor(i / 50) * 1800e3).toISOString().replace('.000Z', 'Z')},0.5`);
  return ['meter_id,timestamp,kwh', ...rows].join(eol) + eol;
}

const run = (rawKey: string) => transformOne(batch({ rawKey, dataset: 'meter_readings' }), t.ports);

describe('transform: rows_in is counted from the file', () => {
  it('a stray quote that never closes (row 101 of 10,000): 9,999 readings load, 1 is quarantined at its line', async () => {
    t = testLake();
    const rawKey = put('stray.csv', readings(10_000, { 101: 'M1,"2026-10-03T02:30:00Z,0.5' }));
    const out = await run(rawKey);
    expect(out).toMatchObject({ rowsIn: 10_000, rowsOut: 9_999, duplicates: 0, quarantined: 1 });
    const q = await readQuarantine(t.lake, out);
    expect(q).toEqual([{ file: rawKey, line: 102, reason: expect.stringMatching(/^unterminated quote/), record: expect.objectContaining({ meter_id: 'M1' }) }]);
    const rows = await readParquet(t.lake, out.curatedKeys[0]!, 'meter_id, interval_start');
    expect(rows).toHaveLength(9_999);
    expect(rows.reduce((s, r) => s + Number(r.kwh), 0)).toBeCloseTo(9_999 * 0.5, 6);
  });

  it('a quoted field may still span lines: that is one record, not two', async () => {
    t = testLake();
    const rawKey = put('multiline.csv', readings(10, { 5: '"M\n5",2026-10-01T02:00:00Z,0.5' }));
    const out = await run(rawKey);
    expect(out).toMatchObject({ rowsIn: 10, rowsOut: 10, quarantined: 0, duplicates: 0 });
  });

  it('two fields of one record that each span lines are still one record', async () => {
    t = testLake();
    const rawKey = put('twofields.csv', readings(10, { 5: '"M\nX","2026-10-01T\n02:00:00Z",0.5' }));
    const out = await run(rawKey);
    // (DuckDB's timestamp cast reads the line break as white space: the reading loads)
    expect(out).toMatchObject({ rowsIn: 10, rowsOut: 10, quarantined: 0 });
  });

  it('stray quotes in several places resync after each one', async () => {
    t = testLake();
    const rawKey = put('strays.csv', readings(500, { 3: 'M1,2026-10-01T01:00:00Z,"0.5', 250: '"M2,2026-10-06T04:30:00Z,0.5', 499: 'M3,"x' }));
    const out = await run(rawKey);
    expect(out).toMatchObject({ rowsIn: 500, rowsOut: 497, quarantined: 3 });
    expect((await readQuarantine(t.lake, out)).map((l) => l.line)).toEqual([4, 251, 500]);
  });

  it('a lone CR inside a line, and one CRLF line in an LF file, do not crash the reader', async () => {
    t = testLake();
    const body = readings(100, { 10: 'M1,2026-10-01T04:30:00Z\r,0.5', 20: 'M2,2026-10-01T09:30:00Z,0.5\r' });
    const out = await run(put('cr.csv', body));
    // line 11: CR inside the line (quarantined); line 21: a CRLF line end (read as a line end)
    expect(out).toMatchObject({ rowsIn: 100, rowsOut: 99, quarantined: 1 });
    expect((await readQuarantine(t.lake, out)).map((l) => [l.line, l.reason])).toEqual([[11, expect.stringMatching(/carriage return/)]]);
  });

  it('corrupted bytes (invalid UTF-8, NUL) are quarantined by line; the rest loads', async () => {
    t = testLake();
    const body = Buffer.from(readings(200, { 7: 'MXX,2026-10-01T03:00:00Z,0.5', 8: 'MYY,2026-10-01T03:30:00Z,0.5' }));
    const x = body.indexOf('MXX');
    body[x + 1] = 0xff;
    body[x + 2] = 0xc3;
    body[body.indexOf('MYY') + 1] = 0x00;
    const out = await run(put('corrupt.csv', body));
    expect(out).toMatchObject({ rowsIn: 200, rowsOut: 198, quarantined: 2 });
    expect((await readQuarantine(t.lake, out)).map((l) => [l.line, l.reason])).toEqual([
      [8, expect.stringMatching(/not UTF-8/)],
      [9, expect.stringMatching(/NUL byte/)],
    ]);
  });

  it('byte-flipped files (quotes, CR, LF, NUL, invalid UTF-8, commas, any byte) all load and reconcile from their own count', async () => {
    t = testLake();
    // A fixed pseudo-random walk (reproducible): 60 files, each with 1..60 bytes set to hostile values.
    let seed = 999;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const hostile = [0x22, 0x0d, 0x0a, 0x00, 0xff, 0x2c];
    for (let f = 0; f < 60; f++) {
      const body = Buffer.from(readings(300));
      const headerEnd = body.indexOf('\n') + 1;
      const flips = 1 + Math.floor(rand() * 60);
      for (let k = 0; k < flips; k++) {
        const pick = Math.floor(rand() * (hostile.length + 1));
        body[headerEnd + Math.floor(rand() * (body.length - headerEnd))] = hostile[pick] ?? Math.floor(rand() * 256);
      }
      const rawKey = put(`flipped-${f}.csv`, body);
      const survey = await surveyCsv(t.lake.pathOf(rawKey), ',');
      const out = await run(rawKey); // never a crash, never a rejected file
      expect(out.rowsIn, rawKey).toBe(survey.records);
      expect(out.rowsIn, rawKey).toBe(out.rowsOut + out.duplicates + out.quarantined);
    }
  });

  it('a CR beside a literal quote (not inside a quoted field) is found too', async () => {
    t = testLake();
    const out = await run(put('crquote.csv', readings(20, { 3: 'M19,202"-10-01T00:\r0:00Z,0.5', 4: 'M3,"2026-10-01T00:00:00Z\r",0.5' })));
    // line 4: CR outside quotes (the quote is a literal character): quarantined; line 5: CR inside a
    // quoted field is data (DuckDB's cast reads it as trailing white space: the reading loads)
    expect(out).toMatchObject({ rowsIn: 20, rowsOut: 19, quarantined: 1 });
    expect((await readQuarantine(t.lake, out)).map((l) => [l.line, l.reason])).toEqual([[4, expect.stringMatching(/carriage return/)]]);
  });

  it('a line longer than the limit is quarantined, not read', async () => {
    t = testLake();
    const out = await run(put('long.csv', readings(20, { 5: `M1,2026-10-01T02:00:00Z,${'9'.repeat(1_200_000)}` })));
    expect(out).toMatchObject({ rowsIn: 20, rowsOut: 19, quarantined: 1 });
    const [q] = await readQuarantine(t.lake, out);
    expect(q).toMatchObject({ line: 6, reason: expect.stringMatching(/^line too long: 1200024 bytes, the maximum is 1000000/) });
    expect(JSON.stringify(q).length).toBeLessThan(2000);
  });
});

describe('transform: values checked at the door, with a reason', () => {
  it('ids by UTF-8 bytes (VARCHAR(64) on Redshift), offsets beyond ±14:00, years outside 1..9999', async () => {
    t = testLake();
    const id64 = 'é'.repeat(32); // 32 characters, 64 bytes: fits
    const id66 = 'é'.repeat(33); // 33 characters, 66 bytes: does not
    const body = [
      'meter_id,timestamp,kwh',
      `${id64},2026-10-01T00:00:00Z,0.5`,
      `${id66},2026-10-01T00:00:00Z,0.5`,
      'M1,2026-10-01T00:00:00+25:00,0.5',
      'M1,2026-10-01T00:00:00-14:30,0.5',
      'M1,2026-10-01T00:00:00+14:00,0.5',
      'M1,-0001-10-01T00:00:00Z,0.5',
      'M1,0000-10-01 00:00:00,0.5',
      'M2,-0001-10-01 00:00:00,0.5',
      // written in year 1, but the instant is in year 0 (0000-12-31T23:30Z)
      'M3,0001-01-01T00:30:00+01:00,0.5',
    ].join('\n');
    const out = await run(put('values.csv', body + '\n'));
    expect(out).toMatchObject({ rowsIn: 9, rowsOut: 2, quarantined: 7 });
    expect((await readQuarantine(t.lake, out)).map((l) => [l.line, l.reason])).toEqual([
      [3, 'meter_id longer than 64 bytes (UTF-8)'],
      [4, 'UTC offset beyond ±14:00'],
      [5, 'UTC offset beyond ±14:00'],
      [7, 'year outside 1..9999'],
      [8, 'year outside 1..9999'],
      [9, 'year outside 1..9999'],
      [10, 'year outside 1..9999'],
    ]);
  });
});

describe('transform: files rejected at the door fail only their batch, naming file, line and fix', () => {
  it('a 1-million-column header is refused before DuckDB reads it', async () => {
    t = testLake();
    const header = ['meter_id', 'timestamp', 'kwh', ...Array.from({ length: 1_000_000 }, (_, i) => `c${i}`)].join(',');
    const rawKey = put('wide.csv', `${header}\nM1,2026-10-01T00:00:00Z,0.5\n`);
    const started = performance.now();
    const err = await run(rawKey).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('RawFileRejected');
    expect((err as Error).message).toMatch(new RegExp(`^${rawKey.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line 1: the header is longer than 1000000 bytes`));
    expect(performance.now() - started).toBeLessThan(60_000); // not a benchmark: the 900 s hang is gone
  });

  it('a header with 1,001 columns is refused with the limit named', async () => {
    t = testLake();
    const header = ['meter_id', 'timestamp', 'kwh', ...Array.from({ length: 998 }, (_, i) => `c${i}`)].join(',');
    const err = await run(put('wide2.csv', `${header}\n`)).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'RawFileRejected', line: 1, message: expect.stringMatching(/1001 columns, the maximum is 1000/) });
  });

  it('the import refuses such a file at the door, before anything lands', async () => {
    t = testLake();
    const dir = mkdtempSync(join(tmpdir(), 'gridlake-wide-'));
    try {
      const header = ['meter_id', 'timestamp', 'kwh', ...Array.from({ length: 1_000_000 }, (_, i) => `c${i}`)].join(',');
      writeFileSync(join(dir, 'wide.csv'), `${header}\nM1,2026-10-01T00:00:00Z,0.5\n`);
      writeFileSync(join(dir, 'wide2.csv'), `${['meter_id', 'timestamp', 'kwh', ...Array.from({ length: 998 }, (_, i) => `c${i}`)].join(';')}\n`);
      const err = await importMeters(dir, {}, t.ports).catch((e: Error) => e);
      expect((err as Error).message).toMatch(/Nothing was imported: 2 of 2 file\(s\)/);
      expect((err as Error).message).toMatch(/wide\.csv: the header is longer than 1000000 bytes/);
      expect((err as Error).message).toMatch(/wide2\.csv: the header has 1001 columns, the maximum is 1000/);
      expect(await t.lake.list('landing/')).toMatchObject({ objects: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a header with a stray quote is refused (no record can be trusted)', async () => {
    t = testLake();
    const err = await run(put('badheader.csv', 'meter_id,"timestamp,kwh\nM1,2026-10-01T00:00:00Z,0.5\n')).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'RawFileRejected' });
  });

  it('a file that is not a meter CSV is RawFileRejected (the one name the workflow catches)', async () => {
    t = testLake();
    const err = await run(put('notmeter.csv', 'a,b,c\n1,2,3\n')).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'RawFileRejected', line: 1, message: expect.stringMatching(/missing column/) });
  });

  it('utilities and market: JSON lines that are not JSON are RawFileRejected too', async () => {
    t = testLake();
    for (const [source, dataset] of [
      ['utilities', 'utility_usage'],
      ['market', 'market_prices'],
    ] as const) {
      const rawKey = put('x', Buffer.concat([jsonlGz([]).subarray(0, 0), Buffer.from('{"a": 1}\n{not json\n')]), `raw/source=${source}/dt=2026-11-01/run=run-1/part-00000.jsonl`);
      const err = await transformOne(batch({ rawKey, dataset, source, format: 'jsonl.gz' }), t.ports).catch((e: Error) => e);
      expect(err).toMatchObject({ name: 'RawFileRejected', message: expect.stringContaining(rawKey) });
    }
  });
});
