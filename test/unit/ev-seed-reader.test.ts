/**
 * The charging-station seed's files → rows of charging_stations, chargers and charger_status.
 * `gwanghwamun/` holds real rows (with the real defects: a station listed twice with different
 * access details, sessions that end before they start, empty outputs); `two-areas/` the layout with
 * AREA_INFO and DATA_UPDATE_TIME, plus malformed values.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChargerImportError, readChargerSeed, type SeedFilePort } from '../../lambdas/sources/ev-chargers/read-seed';
import { CsvFormatError } from '../../lambdas/sources/ev-chargers/csv-records';

const FIXTURES = join(__dirname, '../fixtures/ev-seoul');
const disk: SeedFilePort = { readBytes: (p) => readFile(p).catch(() => null), join };

/** Files held in memory, for layouts no fixture has. */
function memory(files: Record<string, string>): SeedFilePort {
  return { readBytes: async (p) => (files[p] === undefined ? null : new TextEncoder().encode(files[p])), join: (d, n) => `${d}/${n}` };
}

function memoryBytes(files: Record<string, Uint8Array>): SeedFilePort {
  return { readBytes: async (p) => files[p] ?? null, join: (d, n) => `${d}/${n}` };
}

const reconciles = (c: { rowsIn: number; loaded: number; duplicates: number; quarantined: number }) =>
  expect(c.loaded + c.duplicates + c.quarantined).toBe(c.rowsIn);

describe('seed folder without an observation time (real rows)', () => {
  const dir = join(FIXTURES, 'gwanghwamun');

  it('refuses without --observed-at, naming the flag', async () => {
    await expect(readChargerSeed(dir, {}, disk)).rejects.toThrow(/no DATA_UPDATE_TIME column.*--observed-at/);
    await expect(readChargerSeed(dir, {}, disk)).rejects.toBeInstanceOf(ChargerImportError);
    await expect(readChargerSeed(dir, { observedAt: 'yesterday' }, disk)).rejects.toThrow(/--observed-at "yesterday" is not an ISO time/);
  });

  it('loads each station once: 9 rows, 7 stations, the repeats merged keeping the first listing', async () => {
    const r = await readChargerSeed(dir, { observedAt: '2023-08-10T00:00+09:00' }, disk);
    expect(r.counts.charging_stations).toEqual({ rowsIn: 9, loaded: 7, duplicates: 2, quarantined: 0, withheld: 0 });
    expect(new Set(r.stations.map((s) => s.station_id)).size).toBe(7);
    const dTower = r.stations.find((s) => s.station_id === 'HM000001')!;
    // The first listing says access is limited (RFID cards only); the repeat says it is not: the first wins, the conflict is named.
    expect(dTower.access_limited).toBe(true);
    const repeats = r.duplicates.filter((d) => d.table === 'charging_stations');
    expect(repeats.map((d) => [d.line, d.keptLine, d.kind])).toEqual([
      [6, 5, 'merged'],
      [8, 7, 'merged'],
    ]);
    expect(repeats[1]!.conflicts).toEqual(['STAT_LIMITYN', 'STAT_LIMITDETAIL']);
    const water = r.stations.find((s) => s.station_id === 'BE111108')!;
    expect(water).toEqual({
      station_id: 'BE111108',
      name: '워터 서울 광화문',
      address: '서울특별시 종로구 종로1길 50',
      lon: 126.978913,
      lat: 37.574641,
      usage_time: '24시간 이용가능',
      parking_fee: false,
      access_limited: false,
      kind: '기타',
    });
  });

  it('maps Korean labels and types to national codes, Korea time to UTC', async () => {
    const r = await readChargerSeed(dir, { observedAt: '2023-08-10T00:00+09:00' }, disk);
    expect(r.counts.chargers).toEqual({ rowsIn: 12, loaded: 12, duplicates: 0, quarantined: 0, withheld: 0 });
    expect(r.counts.charger_status).toEqual({ rowsIn: 12, loaded: 12, duplicates: 0, quarantined: 0, withheld: 2 });
    const code = (s: string, c: string) => r.statuses.find((x) => x.station_id === s && x.charger_id === c)!;
    expect(code('BE111108', '01').status_code).toBe(2);
    expect(code('BE111108', '16')).toMatchObject({ status_code: 1, status_label: '통신이상' });
    expect(code('EP210268', '01').status_code).toBe(9);
    expect(code('SF002635', '00').status_code).toBe(4);
    expect(code('GN008634', '01')).toMatchObject({
      status_code: 3,
      observed_at: '2023-08-09T15:00:00Z',
      last_charge_start: '2023-08-08T12:11:00Z',
      last_charge_end: '2023-08-08T13:40:00Z',
      charging_since: '2023-08-09T10:06:00Z',
    });
    // Idle: NOWTSDT repeats the previous session's start, not a session in progress.
    expect(code('GN008634', '04').charging_since).toBeNull();
    const charger = (s: string, c: string) => r.chargers.find((x) => x.station_id === s && x.charger_id === c)!;
    expect(charger('BE111108', '01')).toEqual({ station_id: 'BE111108', charger_id: '01', charger_type: '04', output_kw: 100, method: 'simultaneous' });
    expect(charger('JE050025', '01')).toEqual({ station_id: 'JE050025', charger_id: '01', charger_type: '02', output_kw: null, method: null });
    expect(charger('SF002635', '00').charger_id).toBe('00');
    expect(r.observedFrom).toEqual({ row: 0, station: 0, option: 12 });
  });

  it('withholds a session that ends before it starts, naming file and line, while the status loads', async () => {
    const r = await readChargerSeed(dir, { observedAt: '2023-08-09T15:00:00Z' }, disk);
    const ep02 = r.statuses.find((x) => x.station_id === 'EP210268' && x.charger_id === '02')!;
    expect(ep02).toMatchObject({ status_code: 9, last_charge_start: null, last_charge_end: null });
    expect(r.withheld.map((w) => [w.line, w.key.charger_id, w.fields])).toEqual([
      [6, '02', ['last_charge_start', 'last_charge_end']],
      [7, '03', ['last_charge_start', 'last_charge_end']],
    ]);
    expect(r.withheld[0]!.reason).toMatch(/charger_info\.csv line 6: the last charging session ends \(LASTTEDT 2023-08-07 01:08\) before it starts/);
    // A sound session on the same station is kept.
    expect(r.statuses.find((x) => x.station_id === 'EP210268' && x.charger_id === '01')!.last_charge_start).toBe('2023-08-08T23:08:00Z');
  });
});

describe('seed folder with areas and DATA_UPDATE_TIME', () => {
  const dir = join(FIXTURES, 'two-areas');

  it('takes the time from the station listing, and reconciles every table', async () => {
    const r = await readChargerSeed(dir, {}, disk);
    for (const c of Object.values(r.counts)) reconciles(c);
    expect(r.counts.charging_stations).toEqual({ rowsIn: 6, loaded: 3, duplicates: 2, quarantined: 1, withheld: 0 });
    expect(r.counts.chargers).toEqual({ rowsIn: 12, loaded: 7, duplicates: 2, quarantined: 3, withheld: 0 });
    expect(r.counts.charger_status).toEqual({ rowsIn: 12, loaded: 7, duplicates: 1, quarantined: 4, withheld: 1 });
    // A station under two areas is one station; repeats that differ only in area columns are exact.
    expect(r.duplicates.filter((d) => d.table === 'charging_stations').map((d) => d.kind)).toEqual(['exact', 'exact']);
    expect(r.statuses.find((s) => s.charger_id === '01')!.observed_at).toBe('2023-08-09T14:00:00Z');
    // Quoted fields with commas and doubled quotes.
    expect(r.stations.find((s) => s.station_id === 'SF002635')!.address).toBe('서울특별시 종로구 새문안로5길 37, 도렴빌딩');
  });

  it('quarantines each bad row with file, line, field and the fix', async () => {
    const r = await readChargerSeed(dir, {}, disk);
    const q = (table: string) => r.quarantine.filter((x) => x.table === table).map((x) => [x.line, x.field, x.reason.replace(/^.*\.csv /, '')]);
    expect(q('charging_stations')).toEqual([[5, 'STAT_X', 'line 5: STAT_X "abc" is not a longitude (−180…180) in degrees']]);
    const chargers = q('chargers');
    expect(chargers.map((x) => [x[0], x[1]])).toEqual([
      [13, null],
      [8, 'CHARGER_TYPE'],
      [12, 'OUTPUT'],
    ]);
    expect(chargers[0]![2]).toMatch(/4 fields, the header has 10/);
    expect(chargers[1]![2]).toMatch(/charger type "수소" is not a known type \(01=DC차데모/);
    const statuses = q('charger_status');
    expect(statuses.map((x) => [x[0], x[1]])).toEqual([
      [13, null],
      [6, null],
      [7, 'CHARGER_STAT'],
      [11, 'DATA_UPDATE_TIME'],
    ]);
    expect(statuses[1]![2]).toMatch(/another status at 2023-08-09T14:00:00Z on line 5/);
    expect(statuses[2]![2]).toMatch(/status "고장" is not a known label/);
    expect(statuses[3]![2]).toMatch(/listed at several times \(2023-08-09T14:05:00Z, 2023-08-09T14:10:00Z\); pass --observed-at/);
    // Charging without a session start loads with charging_since unknown; an unreadable time is withheld.
    expect(r.statuses.find((s) => s.charger_id === '02')).toMatchObject({ status_code: 3, charging_since: null });
    expect(r.withheld.map((w) => [w.line, w.fields])).toEqual([[9, ['last_charge_start']]]);
    expect(r.quarantine.every((x) => Object.keys(x.record).includes('STAT_ID'))).toBe(true);
  });

  it('--observed-at fills rows whose station has no single time', async () => {
    const r = await readChargerSeed(dir, { observedAt: '2023-08-09T23:15' }, disk);
    expect(r.counts.charger_status).toMatchObject({ loaded: 8, quarantined: 3 });
    expect(r.statuses.find((s) => s.station_id === 'GN008634')!.observed_at).toBe('2023-08-09T14:15:00Z');
    expect(r.observedFrom).toEqual({ row: 0, station: 7, option: 1 });
  });
});

describe('encodings and type spellings', () => {
  it('reads CP949 files (as Korean Excel exports write them) like the UTF-8 ones', async () => {
    const options = { observedAt: '2023-08-10T00:00+09:00' };
    const cp949 = await readChargerSeed(join(FIXTURES, 'cp949'), options, disk);
    const utf8 = await readChargerSeed(join(FIXTURES, 'gwanghwamun'), options, disk);
    expect(cp949.stations).toEqual(utf8.stations);
    expect(cp949.statuses).toEqual(utf8.statuses);
    expect(cp949.counts).toEqual(utf8.counts);
  });

  it('refuses bytes that are no Korean text, naming the fix', async () => {
    const bad = memoryBytes({ 'd/station_info.csv': new Uint8Array([0x53, 0x2c, 0xff, 0xff, 0x0a]), 'd/charger_info.csv': new TextEncoder().encode('STAT_ID\n') });
    await expect(readChargerSeed('d', { observedAt: '2024-01-01T00:00Z' }, bad)).rejects.toThrow(/neither UTF-8 nor CP949 .*save it as UTF-8 CSV/);
  });

  it('matches a type name whatever the order and spacing of its parts', async () => {
    const stations = 'STAT_NM,STAT_ID,STAT_X,STAT_Y\nA,S1,127,37.5\n';
    const chargers = 'STAT_ID,CHARGER_ID,CHARGER_TYPE,CHARGER_STAT\nS1,01,AC3상 + DC차데모,사용가능\nS1,02,DC콤보+DC차데모+AC3상,사용가능\nS1,03, AC 완속 ,사용가능\n';
    const r = await readChargerSeed('d', { observedAt: '2024-01-01T00:00Z' }, memory({ 'd/station_info.csv': stations, 'd/charger_info.csv': chargers }));
    expect(r.chargers.map((c) => c.charger_type)).toEqual(['03', '06', '02']);
  });
});

describe('seed layouts no fixture has', () => {
  const stations = 'STAT_NM,STAT_ID,STAT_ADDR,STAT_X,STAT_Y\nA,S1,addr,127,37.5\n';

  it('a DATA_UPDATE_TIME on the charger row wins over the station', async () => {
    const chargers = '\uFEFFSTAT_ID,CHARGER_ID,CHARGER_TYPE,CHARGER_STAT,DATA_UPDATE_TIME\r\nS1,01,AC3상,점검중,2023-12-31 23:59\r\nS1,02,DC차데모+DC콤보,충전대기,\r\n';
    const r = await readChargerSeed('d', { observedAt: '2024-01-01T00:30:00+09:00' }, memory({ 'd/station_info.csv': stations, 'd/charger_info.csv': chargers }));
    expect(r.statuses.map((s) => [s.charger_id, s.status_code, s.observed_at])).toEqual([
      ['01', 5, '2023-12-31T14:59:00Z'],
      ['02', 2, '2023-12-31T15:30:00Z'],
    ]);
    expect(r.chargers.map((c) => c.charger_type)).toEqual(['07', '05']);
    expect(r.observedFrom).toEqual({ row: 1, station: 0, option: 1 });
  });

  it('names missing files and columns', async () => {
    await expect(readChargerSeed('d', { observedAt: '2024-01-01T00:00Z' }, memory({ 'd/station_info.csv': stations }))).rejects.toThrow(/d has no charger_info\.csv/);
    const noType = 'STAT_ID,CHARGER_ID,CHARGER_STAT\nS1,01,사용가능\n';
    await expect(readChargerSeed('d', { observedAt: '2024-01-01T00:00Z' }, memory({ 'd/station_info.csv': stations, 'd/charger_info.csv': noType }))).rejects.toThrow(
      /charger_info\.csv lacks column CHARGER_TYPE/,
    );
    const open = `${stations}"B,S2,x,127,37\n`;
    await expect(readChargerSeed('d', { observedAt: '2024-01-01T00:00Z' }, memory({ 'd/station_info.csv': open, 'd/charger_info.csv': noType }))).rejects.toBeInstanceOf(CsvFormatError);
  });

  it('refuses impossible dates instead of rolling them over', async () => {
    const chargers = 'STAT_ID,CHARGER_ID,CHARGER_TYPE,CHARGER_STAT,LASTTSDT,LASTTEDT\nS1,01,AC완속,사용가능,2023-02-30 10:00,2023-03-01 10:00\n';
    const r = await readChargerSeed('d', { observedAt: '2024-01-01T00:00Z' }, memory({ 'd/station_info.csv': stations, 'd/charger_info.csv': chargers }));
    expect(r.statuses[0]).toMatchObject({ last_charge_start: null, last_charge_end: '2023-03-01T01:00:00Z' });
    expect(r.withheld[0]!.reason).toMatch(/LASTTSDT "2023-02-30 10:00" is not a time/);
  });
});
