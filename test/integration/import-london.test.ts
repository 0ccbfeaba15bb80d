/**
 * A real-world export as is: the London smart-meter trial's layout (LCLid,tstp,energy(kWh/hh); UTC
 * half-hours; values with spaces; missing readings written `Null`), plain and gzip-compressed,
 * imported with and without flags, run through the local workflow and checked in the warehouse:
 * London local days (2013-03-31 has 46 half-hours, 2013-10-27 has 50), intervals and totals computed
 * here independently of the product. Bad column mappings are usage errors that name the header found.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';
import { getText, listKeys } from '../../lambdas/ports/object-store';
import { closeLocalPorts, localPorts } from '../../lambdas/ports/local-ports';
import { importMeters } from '../../lambdas/sources/meters/index';
import { silentLog } from '../../lambdas/steps/ports';
import { runLocalWorkflow } from '../../local/workflow';

const ROOT = join(__dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'gridlake-london-'));
const dataDirs: string[] = [];
afterAll(async () => {
  for (const d of dataDirs) await closeLocalPorts(d);
  rmSync(work, { recursive: true, force: true });
});
const dataDir = (name: string) => {
  const d = join(work, name);
  dataDirs.push(d);
  return d;
};

// ---- the generated export ------------------------------------------------------------------------
const DAYS: [string, string][] = [
  ['2013-03-30T00:00:00Z', '2013-04-01T00:00:00Z'], // spring forward in London on 2013-03-31
  ['2013-10-26T00:00:00Z', '2013-10-28T00:00:00Z'], // fall back on 2013-10-27
];
const METERS = ['MAC000002', 'MAC000246', 'MAC004431'];

interface Reading {
  meter: string;
  instant: number;
  /** As the file writes it: ` 0.123 `, `0.5`, or `Null`. */
  text: string;
  kwh: number | null;
}

/** Readings of each meter every 30 minutes (UTC), some values padded with spaces, some `Null`. */
function readings(): Reading[] {
  const out: Reading[] = [];
  for (const [from, to] of DAYS) {
    for (let t = Date.parse(from); t < Date.parse(to); t += 1800e3) {
      METERS.forEach((meter, m) => {
        const k = (t / 1800e3 + m * 7) % 97;
        if (k === 5 || k === 40) return out.push({ meter, instant: t, text: 'Null', kwh: null });
        const kwh = Math.round((0.05 + (k % 13) * 0.037 + m * 0.2) * 1000) / 1000;
        out.push({ meter, instant: t, text: k % 3 === 0 ? ` ${kwh.toFixed(3)} ` : String(kwh), kwh });
      });
    }
  }
  return out;
}

const READINGS = readings();
/** The trial's timestamp spelling: naive UTC with seven fractional digits. */
const tstp = (t: number) => new Date(t).toISOString().replace('T', ' ').replace(/\.000Z$/, '.0000000');
const LONDON_CSV = ['LCLid,tstp,energy(kWh/hh)', ...READINGS.map((r) => `${r.meter},${tstp(r.instant)},${r.text}`)].join('\n') + '\n';

/** What meter_daily must hold: London local days, counted here with Intl, not with the product. */
function expectedDaily(): { meter_id: string; day: string; intervals: number; total_kwh: number }[] {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
  const acc = new Map<string, { meter_id: string; day: string; intervals: number; total_kwh: number }>();
  for (const r of READINGS) {
    if (r.kwh === null) continue;
    const key = `${r.meter} ${day.format(r.instant)}`;
    const row = acc.get(key) ?? { meter_id: r.meter, day: day.format(r.instant), intervals: 0, total_kwh: 0 };
    row.intervals += 1;
    row.total_kwh += r.kwh;
    acc.set(key, row);
  }
  return [...acc.values()]
    .map((r) => ({ ...r, total_kwh: Math.round(r.total_kwh * 1e6) / 1e6 }))
    .sort((a, b) => a.meter_id.localeCompare(b.meter_id) || a.day.localeCompare(b.day));
}

const DAILY_SQL =
  'SELECT meter_id, CAST(day AS VARCHAR) AS day, intervals, round(total_kwh, 6) AS total_kwh FROM meter_daily ORDER BY meter_id, day';

function gridlake(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'gridlake-cli.cjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('importing the London smart-meter layout', () => {
  const plain = join(work, 'block_0.csv');
  const compressed = join(work, 'block_0.csv.gz');
  writeFileSync(plain, LONDON_CSV);
  writeFileSync(compressed, gzipSync(LONDON_CSV));

  it('the generated days are the DST days the checks are about: 46 and 50 half-hours in London', () => {
    const londonDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });
    const slots = (day: string) => new Set(READINGS.filter((r) => londonDay.format(r.instant) === day).map((r) => r.instant)).size;
    expect(slots('2013-03-31')).toBe(46);
    expect(slots('2013-10-27')).toBe(50);
  });

  it('without flags, as a user: recognised by its header, the printed next command loads it, London local days in meter_daily', () => {
    const dir = dataDir('no-flags');
    const imported = gridlake('import', 'meters', plain, '--data-dir', dir);
    expect(imported.err).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.out).toContain('Recognised 1 file(s) as the London smart-meter half-hourly layout');
    expect(imported.out).toContain('timestamps read in UTC, local days in Europe/London');
    const hint = /Next, load and analyse it:\s+(.+)$/m.exec(imported.out)?.[1];
    expect(hint).toBe(`npx gridlake run --sources meters --data-dir ${dir}`);

    // The hint, run as printed (without npx: the same bin entry).
    const run = gridlake(...hint!.split(' ').slice(2));
    expect(run.code, run.err).toBe(0);
    const daily = gridlake('sql', DAILY_SQL, '--format', 'json', '--data-dir', dir);
    expect(daily.code, daily.err).toBe(0);
    expect(JSON.parse(daily.out)).toEqual(expectedDaily());
    const meters = gridlake('sql', 'SELECT DISTINCT timezone FROM meters', '--format', 'json', '--data-dir', dir);
    expect(JSON.parse(meters.out)).toEqual([{ timezone: 'Europe/London' }]);
  }, 120_000);

  it('gzip-compressed, with every flag given: the same days, and Null readings quarantined as missing with their line', async () => {
    const dir = dataDir('flags-gz');
    const ports = await localPorts({ dataDir: dir, config: parseConfig({}), log: silentLog });
    const result = await importMeters(
      compressed,
      { columns: 'meter_id=LCLid,timestamp=tstp,kwh=energy(kWh/hh)', timestampsZone: 'UTC', timezone: 'Europe/London' },
      ports,
    );
    expect(result).toMatchObject({ files: 1, timezone: 'Europe/London', timestampsZone: 'UTC', recognised: [] });
    const run = await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-20', sources: ['meters'] }, retryIntervalMs: 0 });
    expect(run.error).toBeUndefined();
    expect(await ports.warehouse.query({ name: 'daily', sql: DAILY_SQL })).toEqual(expectedDaily());

    const nulls = READINGS.filter((r) => r.kwh === null).length;
    const [counts] = await ports.warehouse.query({ name: 'runs', sql: "SELECT rows_in, rows_loaded, duplicates, quarantined FROM etl_runs WHERE source = 'meters'" });
    expect(counts).toEqual({ rows_in: READINGS.length, rows_loaded: READINGS.length - nulls, duplicates: 0, quarantined: nulls });
    const [qKey] = await listKeys(ports.lake, 'quarantine/meters/');
    const first = JSON.parse((await getText(ports.lake, qKey!)).split('\n')[0]!) as { line: number; reason: string; record: Record<string, string> };
    const firstNull = READINGS.findIndex((r) => r.kwh === null);
    expect(first).toMatchObject({ line: firstNull + 2, reason: 'missing field: kwh (written as "Null")', record: { 'energy(kWh/hh)': 'Null' } });
  }, 120_000);

  it('a mapping picks the named column over one that merely has a field name; header names are matched trimmed', async () => {
    const dir = dataDir('shadowed');
    const csv = join(work, 'corrected.csv');
    writeFileSync(
      csv,
      'meter_id , Reading start (UTC) ,kwh, kwh corrected \n' +
        'M1,2013-10-27 00:00:00,9.9,0.5\nM1,2013-10-27 00:30:00,9.9, 0.25 \nM1,2013-10-27 01:00:00,9.9,0.75\n',
    );
    const ports = await localPorts({ dataDir: dir, config: parseConfig({}), log: silentLog });
    await importMeters(csv, { columns: 'timestamp=Reading start (UTC),kwh=kwh corrected', timestampsZone: 'UTC', timezone: 'Europe/London' }, ports);
    const run = await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-20', sources: ['meters'] }, retryIntervalMs: 0 });
    expect(run.error).toBeUndefined();
    // Read in UTC (not London, where 01:00 happens twice that night); the kwh column is ignored.
    expect(
      await ports.warehouse.query({ name: 'r', sql: "SELECT CAST(interval_start AS VARCHAR) AS t, kwh FROM meter_readings WHERE meter_id = 'M1' ORDER BY interval_start" }),
    ).toEqual([
      { t: '2013-10-27 00:00:00+00', kwh: 0.5 },
      { t: '2013-10-27 00:30:00+00', kwh: 0.25 },
      { t: '2013-10-27 01:00:00+00', kwh: 0.75 },
    ]);
  }, 120_000);

  it('bad mappings are usage errors (exit 2) that name the header found, and nothing is created', () => {
    const dir = join(work, 'refused');
    for (const [columns, message] of [
      ['meter_id=LCLid,timestamp=tstp,kwh=energy', /--columns kwh=energy: .*block_0\.csv has no such column \(found: LCLid, tstp, energy\(kWh\/hh\)\)/],
      ['meter_id=LCLid,kwh=tstp,kwh=energy(kWh/hh)', /--columns names kwh twice \("tstp" and "energy\(kWh\/hh\)"\)/],
      ['meter=LCLid,timestamp=tstp,kwh=energy(kWh/hh)', /"meter" is not a field of a meter reading; use meter_id, timestamp, kwh, wh/],
      ['meter_id=LCLid,timestamp=tstp,kwh=energy(kWh/hh),wh=energy(kWh/hh)', /names both kwh .* and wh/],
      ['meter_id=LCLid,timestamp=LCLid,kwh=energy(kWh/hh)', /maps the column "LCLid" to both meter_id and timestamp/],
    ] as const) {
      const r = gridlake('import', 'meters', plain, '--columns', columns, '--data-dir', dir);
      expect(r.code, columns).toBe(2);
      expect(r.err).toMatch(message);
    }
    expect(gridlake('import', 'meters', plain, '--timestamps-zone', 'GMT+1', '--data-dir', dir).err).toMatch(/--timestamps-zone "GMT\+1" is not an IANA timezone/);
    expect(existsSync(dir)).toBe(false);
  });

  it('a truncated .csv.gz is refused at import, naming the file', () => {
    const truncated = join(work, 'truncated.csv.gz');
    const whole = gzipSync(LONDON_CSV);
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const r = gridlake('import', 'meters', truncated, '--data-dir', join(work, 'refused-gz'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/truncated\.csv\.gz is gzip-compressed but cannot be decompressed .* truncated or damaged/);
  });
});
