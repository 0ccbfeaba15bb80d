/** Reading flow-sensor CSV exports: mapping, logger date formats, missing values, reconciliation. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSensorCsv, type SensorCsvResult } from '../../lambdas/sources/flow-sensors/read-sensor-csv';
import { ColumnMappingError, parseSensorColumns } from '../../lambdas/sources/flow-sensors/sensor-columns';
import { parseSensorTime, wallToInstants } from '../../lambdas/sources/flow-sensors/sensor-timestamps';

const UCI = readFileSync(join(__dirname, '../fixtures/flow-sensors/uci-household-excerpt.txt'), 'utf8');
const iso = (ms: number) => new Date(ms).toISOString();
const reconciles = (r: SensorCsvResult) => expect(r.counts.rowsIn).toBe(r.counts.loaded + r.counts.duplicates + r.counts.quarantined);

describe('sensor timestamps', () => {
  it('reads ISO instants, naive wall times and day-first logger dates; refuses what it cannot read for sure', () => {
    expect(parseSensorTime('2026-12-03T00:01:00+09:00')).toEqual({ kind: 'instant', ms: Date.parse('2026-12-02T15:01:00Z') });
    expect(parseSensorTime('2026-12-03T00:01Z')).toEqual({ kind: 'instant', ms: Date.parse('2026-12-03T00:01:00Z') });
    expect(parseSensorTime('2026-12-03 00:01:00 -0530')).toEqual({ kind: 'instant', ms: Date.parse('2026-12-03T05:31:00Z') });
    expect(parseSensorTime('2026-12-03 00:01')).toEqual({ kind: 'wall', wallMs: Date.UTC(2026, 11, 3, 0, 1) });
    expect(parseSensorTime('16/12/2006 17:24:00')).toEqual({ kind: 'wall', wallMs: Date.UTC(2006, 11, 16, 17, 24) });
    expect(parseSensorTime('1/2/2007 0:05')).toEqual({ kind: 'wall', wallMs: Date.UTC(2007, 1, 1, 0, 5) });
    expect(parseSensorTime('16.12.2006 17:24')).toEqual({ kind: 'wall', wallMs: Date.UTC(2006, 11, 16, 17, 24) });
    expect(parseSensorTime('12/16/2006 17:24', 'mdy')).toEqual({ kind: 'wall', wallMs: Date.UTC(2006, 11, 16, 17, 24) });
    const refused: [string, RegExp][] = [
      ['12/16/2006 17:24', /month 16 when read day-first: .* --date-order mdy/],
      ['16/12/06 17:24', /two digits/],
      ['2026-02-30 10:00', /not a real date/],
      ['2026-12-03 10:00:30', /not on the minute/],
      ['yesterday', /not a timestamp/],
    ];
    for (const [text, reason] of refused) {
      const r = parseSensorTime(text);
      expect(r.kind, text).toBe('error');
      expect(r.kind === 'error' && r.reason, text).toMatch(reason);
    }
  });

  it('finds no instant in the skipped DST hour and two in the repeated one', () => {
    expect(wallToInstants(Date.UTC(2026, 2, 29, 1, 30), 'Europe/London')).toEqual([]);
    expect(wallToInstants(Date.UTC(2026, 9, 25, 1, 30), 'Europe/London').map(iso)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']);
    expect(wallToInstants(Date.UTC(2026, 11, 3, 9, 0), 'Asia/Tokyo').map(iso)).toEqual(['2026-12-03T00:00:00.000Z']);
  });
});

describe('sensor columns', () => {
  it('uses the meter import grammar and names what is wrong', () => {
    expect(parseSensorColumns('date=Date,time=Time,flow_lpm=Global_active_power')).toEqual({ date: 'Date', time: 'Time', flow_lpm: 'Global_active_power' });
    expect(() => parseSensorColumns('flow=Q')).toThrow(/"flow" is not a field of a flow sensor reading; use device_id, timestamp, date, time, flow_lpm, pressure_bar/);
    expect(() => parseSensorColumns('flow_lpm=Q,pressure_bar=q')).toThrow(/maps the column "Q" to both flow_lpm and pressure_bar/);
  });

  it('refuses a file without a flow, a time or a device column, naming the header found', () => {
    const file = 'device_id,timestamp,flow\nFS1,2026-12-03T00:00Z,1\n';
    expect(() => readSensorCsv(file, { file: 'x.csv', timezone: 'UTC' })).toThrow(ColumnMappingError);
    expect(() => readSensorCsv(file, { file: 'x.csv', timezone: 'UTC' })).toThrow('x.csv: no column for flow_lpm (found: device_id, timestamp, flow)');
    expect(() => readSensorCsv(UCI, { file: 'uci.txt', timezone: 'Europe/Paris', columns: parseSensorColumns('date=Date,time=Time,flow_lpm=Global_active_power') })).toThrow(
      /no column for device_id \(or --device\)/,
    );
  });
});

describe('readSensorCsv', () => {
  it('reads the canonical layout, keeps the later of a re-sent minute, quarantines bad rows with line and reason, and reconciles', () => {
    const csv = [
      'device_id,timestamp,flow_lpm,pressure_bar',
      'FS001,2026-12-03T00:00:00+09:00,12.5,4.2',
      'FS001,2026-12-03T00:01:00+09:00,?,4.2',
      'FS001,2026-12-03T00:02:00+09:00,12.1,',
      'FS001,2026-12-03T00:03:00+09:00,-1,4.1',
      'FS001,2026-12-03T00:04:00+09:00,12.0,420',
      'FS001,2026-12-03T00:05:30+09:00,12.0,4.1',
      'FS001,2026-12-03T00:00:00+09:00,12.5,4.2',
      'FS001,2026-12-03T00:06:00+09:00,12.9,4.0',
      'FS001,2026-12-03T00:06:00+09:00,13.0,4.0',
      'FS002,2026-12-03 00:06,abc,4.0',
      'FS 3,2026-12-03 00:06,1,4.0',
      'FS002,2026-12-03 00:07,1',
      '',
      'FS002,2026-12-03 00:08,1.5,3.9',
    ].join('\n');
    const r = readSensorCsv(csv, { file: 'sensors.csv', timezone: 'Asia/Tokyo' });
    reconciles(r);
    expect(r.counts).toEqual({ rowsIn: 13, loaded: 3, duplicates: 2, quarantined: 8, blankLines: 1 });
    expect(r.readings.map((x) => [x.device_id, iso(x.minuteMs), x.flow_lpm, x.pressure_bar])).toEqual([
      ['FS001', '2026-12-02T15:00:00.000Z', 12.5, 4.2],
      ['FS001', '2026-12-02T15:06:00.000Z', 13.0, 4.0],
      ['FS002', '2026-12-02T15:08:00.000Z', 1.5, 3.9],
    ]);
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual([
      [3, 'flow_lpm is missing (written "?")'],
      [4, 'pressure_bar is missing (written "")'],
      [5, 'flow_lpm -1 is negative: a flow meter reports forward flow in L/min'],
      [6, 'pressure_bar 420 is outside −1 … 100 bar: check the unit (kPa ÷ 100 = bar, psi ÷ 14.5 = bar)'],
      [7, expect.stringMatching(/not on the minute \(seconds 30\)/)],
      [11, 'flow_lpm "abc" is not a number: write a plain decimal such as 12.5'],
      [12, 'device_id "FS 3" is not a device id: use 1–64 letters, digits, ".", "_" or "-"'],
      [13, 'the line has 3 field(s), the header 4: a separator is missing or extra'],
    ]);
    for (const x of r.rejects) expect(x.file).toBe('sensors.csv');
  });

  it('reads a real 1-minute logger export through a column mapping: day-first Date;Time, CRLF, trailing spaces, gaps', () => {
    const columns = parseSensorColumns('date=Date,time=Time,flow_lpm=Global_active_power,pressure_bar=Global_intensity');
    const r = readSensorCsv(UCI, { file: 'uci.txt', columns, deviceId: 'UCI-SCEAUX', timezone: 'Europe/Paris' });
    reconciles(r);
    expect(r.counts).toMatchObject({ rowsIn: 22, loaded: 22, quarantined: 0 });
    expect(r.readings[0]).toEqual({ device_id: 'UCI-SCEAUX', minuteMs: Date.parse('2006-12-16T16:24:00Z'), flow_lpm: 4.216, pressure_bar: 18.4 });
    // 11/1/2007 without zero padding is 11 January (day first), 14:43 in Paris = 13:43 UTC.
    expect(iso(r.readings.at(-1)!.minuteMs)).toBe('2007-01-11T13:43:00.000Z');
    // The logger's gap (11:23 and 11:24 never written) stays a gap: nothing is invented.
    const gap = r.readings.filter((x) => iso(x.minuteMs).startsWith('2006-12-21T10:2')).map((x) => iso(x.minuteMs).slice(11, 16));
    expect(gap).toEqual(['10:20', '10:21', '10:22', '10:25', '10:26', '10:27']);
  });

  it('quarantines the logger\'s "?" rows (as the full UCI dataset writes them) and a channel mapped to the wrong unit', () => {
    const header = UCI.split('\r\n')[0];
    const text = `${header}\r\n21/12/2006;11:23:00;?;?;?;?;?;?;\r\n21/12/2006;11:25:00;0.246;0.000;241.740;1.000;0.000;0.000;0.000\r\n`;
    const withMissing = readSensorCsv(text, {
      file: 'uci.txt',
      columns: parseSensorColumns('date=Date,time=Time,flow_lpm=Global_active_power'),
      deviceId: 'UCI',
      timezone: 'Europe/Paris',
    });
    reconciles(withMissing);
    expect(withMissing.rejects).toEqual([{ file: 'uci.txt', line: 2, reason: 'flow_lpm is missing (written "?")', raw: '21/12/2006;11:23:00;?;?;?;?;?;?;' }]);
    const voltage = readSensorCsv(UCI, {
      file: 'uci.txt',
      columns: parseSensorColumns('date=Date,time=Time,flow_lpm=Global_active_power,pressure_bar=Voltage'),
      deviceId: 'UCI',
      timezone: 'Europe/Paris',
    });
    reconciles(voltage);
    expect(voltage.counts.loaded).toBe(0);
    expect(voltage.rejects[0]!.reason).toBe('pressure_bar 234.84 is outside −1 … 100 bar: check the unit (kPa ÷ 100 = bar, psi ÷ 14.5 = bar)');
  });

  it('reads decimal commas in ;-separated files, and the repeated DST hour in file order', () => {
    const csv = [
      'device_id;timestamp;flow_lpm;pressure_bar',
      'D1;25/10/2026 01:30;1,5;3,25',
      'D1;25/10/2026 01:59;1,6;3,25',
      'D1;25/10/2026 01:30;1,7;3,25',
      'D1;29/03/2026 01:30;1,7;3,25',
    ].join('\r\n');
    const r = readSensorCsv(csv, { file: 'eu.csv', timezone: 'Europe/London' });
    reconciles(r);
    expect(r.readings.map((x) => [iso(x.minuteMs), x.flow_lpm, x.pressure_bar])).toEqual([
      ['2026-10-25T00:30:00.000Z', 1.5, 3.25],
      ['2026-10-25T00:59:00.000Z', 1.6, 3.25],
      ['2026-10-25T01:30:00.000Z', 1.7, 3.25],
    ]);
    expect(r.rejects.map((x) => x.reason)).toEqual([expect.stringMatching(/does not exist in Europe\/London \(the hour skipped when summer time starts\)/)]);
    // A half-hour switch (Lord Howe Island, 4 October 2026: 02:00 → 02:30): the gap ends mid-hour.
    const lordHowe = readSensorCsv('device_id,timestamp,flow_lpm\nD1,2026-10-04 02:15,1\nD1,2026-10-04 02:45,1\n', { file: 'lh.csv', timezone: 'Australia/Lord_Howe' });
    expect(lordHowe.rejects.map((x) => x.line)).toEqual([2]);
    expect(lordHowe.readings.map((x) => iso(x.minuteMs))).toEqual(['2026-10-03T15:45:00.000Z']);
  });
});

describe('reject summary', () => {
  it('groups one mapping mistake into one line with its count and an example', async () => {
    const { summariseRejects } = await import('../../lambdas/sources/flow-sensors/reject-summary');
    const r = readSensorCsv(UCI, {
      file: 'uci.txt',
      columns: parseSensorColumns('date=Date,time=Time,flow_lpm=Global_active_power,pressure_bar=Voltage'),
      deviceId: 'UCI',
      timezone: 'Europe/Paris',
    });
    const groups = summariseRejects(r.rejects);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ count: 22, firstLine: 2, pattern: 'pressure_bar … is outside −… … … bar: check the unit (kPa ÷ … = bar, psi ÷ … = bar)' });
    expect(groups[0]!.example.reason).toContain('234.84');
  });
});
