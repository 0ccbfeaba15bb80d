/**
 * Nothing lost, whatever the file (issue 12), through the whole local workflow on the real
 * components (folder lake, DuckDB warehouse, the ASL run by aws-local-stepfunctions):
 *   - files whose names slug alike keep their own curated and quarantine keys (no rows lost or
 *     booked as duplicates);
 *   - a file the transform cannot read fails only its own batch: the other files and sources load;
 *   - crash tests: a SIGKILL at every boundary of the landing → raw move (a real child process),
 *     and a kill at Transform, Load, Analyze and Publish; the next run gives the clean run's counts
 *     and sums.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalFolderStore } from '../../lambdas/ports/local-folder-store';
import { readParquet } from '../unit/transform-helpers';
import { parseConfig } from '../../lambdas/config';
import { closeLocalPorts, localPorts } from '../../lambdas/ports/local-ports';
import { importMeters } from '../../lambdas/sources/meters/index';
import { silentLog } from '../../lambdas/steps/ports';
import { runLocalWorkflow } from '../../local/workflow';
import { tempDataDirs } from './helpers/data-dirs';

const tempDir = tempDataDirs('gridlake-lost-');

const ports = (dir: string) => localPorts({ dataDir: dir, config: parseConfig({}), log: silentLog });
const sql = async (dir: string, text: string) => (await ports(dir)).warehouse.query({ name: 'test', sql: text });

/** 48 readings (one local day in UTC) of one meter, each 0.01 × (k + 1) kWh. */
function dayCsv(meter: string, day = '2026-11-01'): string {
  const rows = Array.from({ length: 48 }, (_, i) => `${meter},${day}T${String(i >> 1).padStart(2, '0')}:${i % 2 ? '30' : '00'}:00Z,${((i + 1) / 100).toFixed(2)}`);
  return ['meter_id,timestamp,kwh', ...rows].join('\n') + '\n';
}

/** A folder of CSV files (relative path → content), as a user hands it to `gridlake import meters`. */
function folder(files: Record<string, string | Buffer>): string {
  const root = tempDir('gridlake-files-');
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), body);
  }
  return root;
}

/**
 * Imports `good` and `bad` files, then replaces the bad ones' bytes in the landing zone: files that
 * got past the import's checks (an upload straight to the bucket, a file changed after the import).
 */
async function importWithBadFiles(dir: string, good: Record<string, string>, bad: Record<string, string>): Promise<void> {
  const p = await ports(dir);
  const header = 'meter_id,timestamp,kwh\n';
  const { landingPrefix } = await importMeters(folder({ ...good, ...Object.fromEntries(Object.keys(bad).map((n) => [n, header])) }), { timezone: 'UTC' }, p);
  for (const [name, body] of Object.entries(bad)) await p.lake.put(`${landingPrefix}${name}`, body);
}

async function readingsState(dir: string): Promise<{ readings: number; kwh: number; meters: number }> {
  const [r] = await sql(dir, 'SELECT COUNT(*) AS readings, ROUND(SUM(kwh), 6) AS kwh, COUNT(DISTINCT meter_id) AS meters FROM meter_readings');
  return { readings: Number(r!.readings), kwh: Number(r!.kwh ?? 0), meters: Number(r!.meters) };
}

async function runCounts(dir: string, source = 'meters') {
  return sql(dir, `SELECT run_id, status, rows_in, rows_loaded, duplicates, quarantined FROM etl_runs WHERE source = '${source}' ORDER BY run_id`);
}

/** The stages after Load (etl_run_stages), as 'stage status'. */
async function stageStates(dir: string) {
  return (await sql(dir, 'SELECT stage, status FROM etl_run_stages ORDER BY stage')).map((r) => `${r.stage} ${r.status}`);
}

const NAMES = ['東京.csv', '大阪.csv', 'site a.csv', 'site_a.csv', 'site/a.csv', 'x.csv', 'x.CSV', 'data.csv', 'data.json.csv'];

describe('file names that slug alike', () => {
  it('every pair imports and loads: no rows lost, none booked as duplicates', async () => {
    const dir = tempDir();
    const files = Object.fromEntries(NAMES.map((n, i) => [n, dayCsv(`NAME-${i}`)]));
    await importMeters(folder(files), { timezone: 'UTC' }, await ports(dir));
    const result = await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-01', sources: ['meters'] }, retryIntervalMs: 0 });
    expect(result.error).toBeUndefined();
    expect(await readingsState(dir)).toEqual({ readings: 48 * NAMES.length, kwh: Number((11.76 * NAMES.length).toFixed(6)), meters: NAMES.length });
    expect(await runCounts(dir)).toEqual([{ run_id: '2026-11-01-a1', status: 'succeeded', rows_in: 48 * NAMES.length, rows_loaded: 48 * NAMES.length, duplicates: 0, quarantined: 0 }]);
    // The small files are one transform batch: one curated object, in which each file's rows keep
    // their own position (file_seq), so none is taken for another's duplicate.
    const lake = (await ports(dir)).lake as LocalFolderStore;
    const curated = (await lake.list('curated/meter_readings/')).objects;
    expect(curated).toHaveLength(1);
    const rows = await readParquet(lake, curated[0]!.key, 'file_seq');
    expect(new Set(rows.map((r) => r.file_seq)).size).toBe(NAMES.length);
  });
});

describe('a file the transform cannot read fails only its own batch', () => {
  it('the other files and the other sources of the date load; the run names the file, the line and the fix', async () => {
    const dir = tempDir();
    const wide = ['meter_id', 'timestamp', 'kwh', ...Array.from({ length: 2000 }, (_, i) => `extra_${i}`)].join(',');
    await importWithBadFiles(dir, { 'good.csv': dayCsv('GOOD-1') }, { 'wide.csv': `${wide}\nW,2026-11-01T00:00:00Z,1\n` });
    const result = await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-01', sources: ['meters', 'utilities', 'market'] }, retryIntervalMs: 0 });
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatch(/wide\.csv line 1: the header has 2003 columns, the maximum is 1000\. Remove the columns/);
    expect(await readingsState(dir)).toMatchObject({ readings: 48, meters: 1 });
    expect(Number((await sql(dir, 'SELECT COUNT(*) AS n FROM utility_usage'))[0]!.n)).toBeGreaterThan(0);
    expect(Number((await sql(dir, 'SELECT COUNT(*) AS n FROM market_prices'))[0]!.n)).toBeGreaterThan(0);
  });
});

describe('a per-customer file name never reaches the dashboard', () => {
  it('the failed run is published without any part of the name (commas, spaces, quotes, non-ASCII)', async () => {
    const dir = tempDir();
    const wide = ['meter_id', 'timestamp', 'kwh', ...Array.from({ length: 1001 }, (_, i) => `extra_${i}`)].join(',');
    const names = ['SMITH, JOHN 0042.csv', 'O\'Brien "Pat" 東京.csv'];
    await importWithBadFiles(dir, { 'good.csv': dayCsv('GOOD-1') }, Object.fromEntries(names.map((n) => [n, `${wide}\nX,2026-11-01T00:00:00Z,1\n`])));
    // Analyze and Publish run after a failed date only in the next successful execution: run the date, then the next.
    await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-01', sources: ['meters'] }, retryIntervalMs: 0 });
    const errors = await sql(dir, "SELECT error FROM etl_runs WHERE status = 'failed'");
    expect(String(errors[0]!.error)).toContain('SMITH, JOHN 0042.csv'); // the warehouse keeps the full text
    await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-02', sources: ['meters'] }, retryIntervalMs: 0 });
    const published = Buffer.from(await (await ports(dir)).site.get('data/runs.json')).toString();
    expect(published).toContain('see etl_runs.error');
    for (const part of ['SMITH', 'JOHN', '0042', 'Brien', 'Pat', '東京']) expect(published).not.toContain(part);
  });
});

describe('the last received version of a reading wins, whatever the re-run order', () => {
  it('re-running an older date after a later correction keeps the correction; the old row counts as a duplicate', async () => {
    const dir = tempDir();
    const reading = (kwh: string) => `meter_id,timestamp,kwh\nFIX-1,2026-11-01T10:00:00Z,${kwh}\nFIX-1,2026-11-01T10:30:00Z,1.00\n`;
    await importMeters(folder({ 'first.csv': reading('5.00') }), { timezone: 'UTC' }, await ports(dir));
    expect((await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-01', sources: ['meters'] }, retryIntervalMs: 0 })).error).toBeUndefined();
    await new Promise((r) => setTimeout(r, 20)); // a later import time
    await importMeters(folder({ 'correction.csv': reading('0.50') }), { timezone: 'UTC' }, await ports(dir));
    expect((await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-02', sources: ['meters'] }, retryIntervalMs: 0 })).error).toBeUndefined();
    const value = async () => (await sql(dir, "SELECT kwh FROM meter_readings WHERE meter_id = 'FIX-1' AND interval_start = TIMESTAMPTZ '2026-11-01 10:00:00+00'"))[0]!.kwh;
    expect(await value()).toBe(0.5);
    // Re-run the older date (same run id: its raw files are read again and loaded again).
    expect((await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-01', sources: ['meters'] }, retryIntervalMs: 0 })).error).toBeUndefined();
    expect(await value()).toBe(0.5);
    const [daily] = await sql(dir, "SELECT total_kwh FROM meter_daily WHERE meter_id = 'FIX-1'");
    expect(daily!.total_kwh).toBe(1.5);
    // The re-run's rows are older than the warehouse's: not loaded, counted as duplicates; rows reconcile.
    expect((await runCounts(dir))[0]).toMatchObject({ run_id: '2026-11-01-a1', status: 'succeeded', rows_in: 2, rows_loaded: 0, duplicates: 2, quarantined: 0 });
    // A new attempt of the older date behaves the same.
    expect((await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-01', sources: ['meters'], attempt: 2 }, retryIntervalMs: 0 })).error).toBeUndefined();
    expect(await value()).toBe(0.5);
  });
});

const CHILD = join(__dirname, 'helpers', 'collect-then-sigkill.ts');

function collectAndKill(dir: string, date: string, killAfter: number): { signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, dir, date, `${date}-a1`, String(killAfter)], { encoding: 'utf8', timeout: 60_000 });
  return { signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('crash tests: a kill at each step boundary, then the next run', () => {
  const files = { 'a.csv': dayCsv('CRASH-A'), 'b/b.csv': dayCsv('CRASH-B'), 'c.csv': dayCsv('CRASH-C') };
  const clean = { readings: 144, kwh: Number((11.76 * 3).toFixed(6)), meters: 3 };

  // 3 data files: writes 1-3 copy them, 4 copies the manifest, 5-7 delete the data files, 8 the manifest.
  it.each([1, 4, 5, 7])('SIGKILL after write %i of the landing → raw move: the next day\'s run loads every reading once', async (killAfter) => {
    const dir = tempDir();
    await importMeters(folder(files), { timezone: 'UTC' }, await ports(dir));
    await closeLocalPorts(dir);
    const child = collectAndKill(dir, '2026-11-01', killAfter);
    expect(child.signal, child.stderr).toBe('SIGKILL');
    const next = await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-02', sources: ['meters'] }, retryIntervalMs: 0 });
    expect(next.error).toBeUndefined();
    expect(await readingsState(dir)).toEqual(clean);
    // Re-running the killed date afterwards changes nothing (MERGE by natural key).
    const again = await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-01', sources: ['meters'] }, retryIntervalMs: 0 });
    expect(again.error).toBeUndefined();
    expect(await readingsState(dir)).toEqual(clean);
  });

  it.each(['TransformBatch', 'Load', 'Analyze', 'Publish'])('a kill at %s, then the same date again: the clean run\'s counts and sums', async (state) => {
    const dir = tempDir();
    await importMeters(folder(files), { timezone: 'UTC' }, await ports(dir));
    const killed = await runLocalWorkflow({
      dataDir: dir,
      input: { date: '2026-11-01', sources: ['meters'] },
      retryIntervalMs: 0,
      taskOverrides: {
        [state]: async () => {
          throw Object.assign(new Error(`killed at ${state}`), { name: 'Sandbox.Timedout' });
        },
      },
    });
    expect(killed.status).toBe('FAILED');
    // What the kill left undone after a committed load is recorded as not done (no stage rows when the load never committed).
    const afterKill: Record<string, string[]> = {
      TransformBatch: [],
      Load: [],
      Analyze: ['analyze failed', 'publish failed'],
      Publish: ['analyze succeeded', 'publish failed'],
    };
    expect(await stageStates(dir)).toEqual(afterKill[state]);
    const next = await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-01', sources: ['meters'] }, retryIntervalMs: 0 });
    expect(next.error).toBeUndefined();
    expect(await readingsState(dir)).toEqual(clean);
    expect(await runCounts(dir)).toEqual([{ run_id: '2026-11-01-a1', status: 'succeeded', rows_in: 144, rows_loaded: 144, duplicates: 0, quarantined: 0 }]);
    expect(await stageStates(dir)).toEqual(['analyze succeeded', 'publish succeeded']);
  });
});
