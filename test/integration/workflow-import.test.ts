/**
 * Imported meter CSVs through the whole workflow (import → run → warehouse), as a user does it:
 * local days across DST, malformed rows quarantined with their line and reason while the run
 * reconciles, the same file imported twice loaded once, a file that is not a meter CSV failing only
 * its own batch, and the real export-folder layout.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';
import { getText, listKeys } from '../../lambdas/ports/object-store';
import { closeLocalPorts, localPorts } from '../../lambdas/ports/local-ports';
import { importMeters } from '../../lambdas/sources/meters/index';
import { silentLog } from '../../lambdas/steps/ports';
import { runLocalWorkflow } from '../../local/workflow';

const FIXTURES = join(__dirname, '..', 'fixtures', 'meters');
const dirs: string[] = [];
function tempDir(prefix = 'gridlake-imp-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) {
    await closeLocalPorts(d);
    rmSync(d, { recursive: true, force: true });
  }
});

const ports = (dir: string) => localPorts({ dataDir: dir, config: parseConfig({}), log: silentLog });
const sql = async (dir: string, text: string) => (await ports(dir)).warehouse.query({ name: 'test', sql: text });
const run = (dir: string, date = '2026-11-20') => runLocalWorkflow({ dataDir: dir, input: { date, sources: ['meters'] }, retryIntervalMs: 0 });

/** Every 30-minute wall-clock time of a local day in `tz`, as naive strings, in order (repeats included). */
function naiveDay(day: string, tz: string): string[] {
  const out: string[] = [];
  const fmt = new Intl.DateTimeFormat('sv-SE', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  for (let t = Date.parse(`${day}T00:00:00Z`) - 6 * 3600e3; t < Date.parse(`${day}T00:00:00Z`) + 30 * 3600e3; t += 1800e3) {
    const local = fmt.format(new Date(t)).replace('T', ' ');
    if (local.startsWith(day)) out.push(local);
  }
  return out;
}

describe('imported meter CSVs through the workflow', () => {
  it('registers the meters of a plain CSV in the timezone of --timezone: a Tokyo day is one local day', async () => {
    const dir = tempDir();
    const csv = join(tempDir('gridlake-csv-'), 'tokyo.csv');
    const day = Array.from({ length: 48 }, (_, i) => `2026-11-01 ${String(i >> 1).padStart(2, '0')}:${i % 2 ? '30' : '00'}:00`);
    writeFileSync(csv, ['meter_id,timestamp,kwh', ...day.map((t) => `TKY-1,${t},0.5`)].join('\n') + '\n');
    await importMeters(csv, { timezone: 'Asia/Tokyo' }, await ports(dir));
    expect((await run(dir)).error).toBeUndefined();
    expect(await sql(dir, "SELECT timezone FROM meters WHERE meter_id = 'TKY-1'")).toEqual([{ timezone: 'Asia/Tokyo' }]);
    expect(await sql(dir, "SELECT CAST(day AS VARCHAR) AS day, intervals, total_kwh FROM meter_daily WHERE meter_id = 'TKY-1'")).toEqual([
      { day: '2026-11-01', intervals: 48, total_kwh: 24 },
    ]);
  });

  it('a reading sent again in a later file of the same run replaces the earlier one, and counts as a duplicate', async () => {
    const dir = tempDir();
    const folder = tempDir('gridlake-csvs-');
    writeFileSync(join(folder, 'a-first.csv'), 'meter_id,timestamp,kwh\nR1,2026-11-01T00:00:00Z,1.0\nR1,2026-11-01T00:30:00Z,1.5\n');
    writeFileSync(join(folder, 'b-correction.csv'), 'meter_id,timestamp,kwh\nR1,2026-11-01T00:00:00Z,2.0\n');
    await importMeters(folder, { timezone: 'UTC' }, await ports(dir));
    expect((await run(dir)).error).toBeUndefined();
    const rows = await sql(dir, "SELECT CAST(interval_start AS VARCHAR) AS t, kwh FROM meter_readings WHERE meter_id = 'R1' ORDER BY interval_start");
    expect(rows).toEqual([
      { t: '2026-11-01 00:00:00+00', kwh: 2.0 },
      { t: '2026-11-01 00:30:00+00', kwh: 1.5 },
    ]);
    const [r] = await sql(dir, "SELECT rows_in, rows_loaded, duplicates, quarantined FROM etl_runs WHERE source = 'meters'");
    expect(r).toEqual({ rows_in: 3, rows_loaded: 2, duplicates: 1, quarantined: 0 });
  });

  it('publishes no forecast from a history too sparse to score (two readings a month apart), rather than NaN', async () => {
    const dir = tempDir();
    const csv = join(tempDir('gridlake-csv-'), 'sparse.csv');
    writeFileSync(csv, 'meter_id,timestamp,kwh\nGAP-1,2026-10-28T12:00:00Z,0.4\nGAP-1,2026-11-18T12:00:00Z,0.5\n');
    await importMeters(csv, { timezone: 'UTC' }, await ports(dir));
    expect((await run(dir)).error).toBeUndefined();
    expect(await sql(dir, "SELECT COUNT(*) AS n FROM forecasts WHERE NOT isfinite(yhat) OR NOT isfinite(lo95) OR NOT isfinite(hi95)")).toEqual([{ n: 0 }]);
    const forecast = JSON.parse(await getText((await ports(dir)).site, 'data/forecast.json')) as { groups: { points: { yhat: unknown[] } }[] };
    for (const g of forecast.groups) expect(g.points.yhat.every((v) => typeof v === 'number')).toBe(true);
  });

  it('computes meter_daily in the meter timezone: 50 intervals on 2026-10-25 and 46 on 2026-03-29 in London', async () => {
    const dir = tempDir();
    const csv = join(tempDir('gridlake-csv-'), 'london.csv');
    const autumn = naiveDay('2026-10-25', 'Europe/London');
    const spring = naiveDay('2026-03-29', 'Europe/London');
    expect([autumn.length, spring.length]).toEqual([50, 46]);
    const rows = [...spring, ...autumn].map((t, i) => `LDN-1,${t},${(0.2 + (i % 7) / 10).toFixed(3)}`);
    writeFileSync(csv, ['meter_id,timestamp,kwh', ...rows].join('\n') + '\n');
    await importMeters(csv, { timezone: 'Europe/London' }, await ports(dir));
    const r = await run(dir);
    expect(r.error).toBeUndefined();
    const daily = await sql(dir, "SELECT CAST(day AS VARCHAR) AS day, intervals FROM meter_daily WHERE meter_id = 'LDN-1' ORDER BY day");
    expect(daily).toEqual([
      { day: '2026-03-29', intervals: 46 },
      { day: '2026-10-25', intervals: 50 },
    ]);
    const [tz] = await sql(dir, "SELECT timezone FROM meters WHERE meter_id = 'LDN-1'");
    expect(tz?.timezone).toBe('Europe/London');
  });

  it('quarantines malformed rows with line and reason, never fails the run, and reconciles', async () => {
    const dir = tempDir();
    await importMeters(join(FIXTURES, 'malformed.csv'), { timezone: 'Europe/London' }, await ports(dir));
    const r = await run(dir);
    expect(r.status).toBe('SUCCEEDED');
    const [rec] = await sql(dir, "SELECT * FROM etl_runs WHERE source = 'meters'");
    expect(rec!.status).toBe('succeeded');
    expect(Number(rec!.quarantined)).toBeGreaterThanOrEqual(8);
    expect(Number(rec!.rows_in)).toBe(Number(rec!.rows_loaded) + Number(rec!.duplicates) + Number(rec!.quarantined));
    const lake = (await ports(dir)).lake;
    const keys = await listKeys(lake, 'quarantine/meters/');
    const lines = (await Promise.all(keys.map((k) => getText(lake, k)))).join('').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBe(Number(rec!.quarantined));
    for (const l of lines) {
      expect(typeof l.line).toBe('number');
      expect(l.line).toBeGreaterThan(1);
      expect(String(l.reason).length).toBeGreaterThan(3);
      expect(String(l.file)).toContain('malformed.csv');
    }
    // The absurd value (999 kWh in 30 minutes) on line 6 is there with its reason.
    expect(lines.find((l) => l.line === 6)?.reason).toMatch(/maximum|absurd|above/i);
  });

  it('loads the same file imported twice only once', async () => {
    const dir = tempDir();
    const file = join(FIXTURES, 'csv-folder', 'offset-readings.csv');
    await importMeters(file, {}, await ports(dir));
    expect((await run(dir, '2026-11-20')).status).toBe('SUCCEEDED');
    const [once] = await sql(dir, 'SELECT COUNT(*) AS n, SUM(kwh) AS s FROM meter_readings');
    await importMeters(file, {}, await ports(dir));
    expect((await run(dir, '2026-11-21')).status).toBe('SUCCEEDED');
    const [twice] = await sql(dir, 'SELECT COUNT(*) AS n, SUM(kwh) AS s FROM meter_readings');
    expect(Number(once!.n)).toBeGreaterThan(0);
    expect(twice).toEqual(once);
  });

  it('import refuses a folder holding a file that is not a meter CSV, naming it; nothing lands', async () => {
    const dir = tempDir();
    const folder = tempDir('gridlake-mixed-');
    cpSync(join(FIXTURES, 'not-a-meter.csv'), join(folder, 'not-a-meter.csv'));
    cpSync(join(FIXTURES, 'csv-folder', 'offset-readings.csv'), join(folder, 'good.csv'));
    writeFileSync(join(folder, 'notes.txt'), 'not a CSV');
    await expect(importMeters(folder, { timezone: 'Europe/London' }, await ports(dir))).rejects.toThrow(
      /Nothing was imported: 1 of 2 file\(s\)[\s\S]*not-a-meter\.csv[\s\S]*missing column/,
    );
    expect(await listKeys((await ports(dir)).lake, 'landing/')).toEqual([]);
    rmSync(join(folder, 'not-a-meter.csv'));
    const result = await importMeters(folder, { timezone: 'Europe/London' }, await ports(dir));
    expect(result).toMatchObject({ files: 1, skipped: ['notes.txt'] });
  });

  it('a file dropped in the landing zone that is not a meter CSV fails its own batch, names the file and the missing columns; the others load', async () => {
    const dir = tempDir();
    const p = await ports(dir);
    await importMeters(join(FIXTURES, 'csv-folder', 'offset-readings.csv'), { timezone: 'Europe/London' }, p);
    // An upstream system writing to the landing prefix directly (as into S3), without the CLI's checks.
    await p.lake.put('landing/meters/drop-1/not-a-meter.csv', readFileSync(join(FIXTURES, 'not-a-meter.csv')));
    await p.lake.put(
      'landing/meters/drop-1/manifest.json',
      JSON.stringify({ importId: 'drop-1', layout: 'csv', timezone: 'Europe/London', importedAt: '2026-11-20T00:00:00.000Z', files: [{ path: 'not-a-meter.csv' }] }),
    );
    const r = await run(dir);
    expect(r.status).toBe('FAILED');
    const [rec] = await sql(dir, "SELECT status, error, rows_loaded FROM etl_runs WHERE source = 'meters'");
    expect(rec!.status).toBe('failed');
    expect(String(rec!.error)).toContain('not-a-meter.csv');
    expect(String(rec!.error)).toMatch(/missing column/);
    expect(Number(rec!.rows_loaded)).toBeGreaterThan(0);
    const [n] = await sql(dir, 'SELECT COUNT(*) AS n FROM meter_readings');
    expect(Number(n!.n)).toBe(Number(rec!.rows_loaded));
    const notes = readFileSync(join(dir, 'notifications.jsonl'), 'utf8');
    expect(notes).toContain('not-a-meter.csv');
  });

  it('imports the energy app export folder as is (user_data.csv + consumption/<id>.csv, Wh, naive Tokyo time)', async () => {
    const dir = tempDir();
    await importMeters(join(FIXTURES, 'smap-export'), { timezone: 'Asia/Tokyo' }, await ports(dir));
    expect((await run(dir)).status).toBe('SUCCEEDED');
    const meters = await sql(dir, 'SELECT meter_id, timezone, area, tariff FROM meters ORDER BY meter_id');
    expect(meters.length).toBeGreaterThan(0);
    for (const m of meters) expect(m.timezone).toBe('Asia/Tokyo');
    const [first] = await sql(dir, "SELECT CAST(MIN(interval_start) AS VARCHAR) AS t FROM meter_readings WHERE meter_id = '3000'");
    // The fixture's first reading, 2016-10-25 23:00 in Tokyo (UTC+9), is 14:00 UTC.
    expect(String(first!.t)).toMatch(/^2016-10-25 14:00:00/);
    const [wh] = await sql(dir, "SELECT kwh FROM meter_readings WHERE meter_id = '3000' ORDER BY interval_start LIMIT 1");
    expect(wh!.kwh).toBeCloseTo(0.273, 9); // 273.0 Wh
    const [rec] = await sql(dir, "SELECT * FROM etl_runs WHERE source = 'meters'");
    expect(Number(rec!.rows_in)).toBe(Number(rec!.rows_loaded) + Number(rec!.duplicates) + Number(rec!.quarantined));
    // Years-old history still reaches the dashboard: its window ends at the last day with data.
    const consumption = JSON.parse(readFileSync(join(dir, 'site', 'data', 'consumption.json'), 'utf8'));
    expect(consumption.fleetDaily.day.length).toBeGreaterThan(0);
    expect(consumption.fleetDaily.day.every((d: string) => d.startsWith('2016-'))).toBe(true);
    expect(consumption.meters.length).toBeGreaterThan(0); // customers with readings (the fixture lists one without)
  });
});
