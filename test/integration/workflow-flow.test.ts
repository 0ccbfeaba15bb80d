/**
 * Flow meters through the whole local workflow (import → run → warehouse → analysis → lake), as a
 * user does it: 22 dates of 2 simulated devices (seed 32 starts a leak on FS001 on 4 November) and
 * an imported logger file with bad rows. Every run reconciles; the four results tables hold what the
 * analysis found; the device file is the forecast's 168 hours; the leak is alerted once, and a
 * re-run of the last date changes no row count and sends nothing again.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';
import { localPaths } from '../../lambdas/ports/local-paths';
import { localPorts } from '../../lambdas/ports/local-ports';
import { listKeys, getJson } from '../../lambdas/ports/object-store';
import { importSensors } from '../../lambdas/sources/flow-sensors/import-sensors';
import { readFlowLabels } from '../../lambdas/sources/flow-sensors/collect';
import { silentLog } from '../../lambdas/steps/ports';
import type { Flow, FlowDevice } from '../../lambdas/contract/results';
import { exportDeviceCommand } from '../../local/export-device-command';
import { runLocalWorkflow } from '../../local/workflow';
import { tempDataDirs } from './helpers/data-dirs';

const tempDir = tempDataDirs('gridlake-flow-');
const CONFIG = { flowSensors: { devices: 2, seed: 32, timezone: 'Europe/London' } };
const ports = (dir: string) => localPorts({ dataDir: dir, config: parseConfig(CONFIG), log: silentLog });
const sql = async (dir: string, text: string) => (await ports(dir)).warehouse.query({ name: 'test', sql: text });
const one = async (dir: string, text: string) => (await sql(dir, text))[0]!;
const notifications = (dir: string) =>
  readFileSync(localPaths(dir).notifications, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: string; title: string });

describe('flow meters through the workflow', () => {
  it('22 dates and an import: reconciled, tables written, the device file, one leak alert; a re-run changes nothing', async () => {
    const dir = tempDir();
    const csv = join(dir, 'logger.csv');
    writeFileSync(
      csv,
      [
        'device_id;timestamp;flow_lpm;pressure_bar',
        'LOG-1;19/11/2026 10:00:00;12,5;4,1',
        'LOG-1;19/11/2026 10:01:00;?;4,1',
        'LOG-1;19/11/2026 10:02:00;-3;4,1',
        'LOG-1;19/11/2026 10:03:00;13;234,8',
        'LOG-1;19/11/2026 10:04:00;13,1;4,0',
        'LOG-1;19/11/2026 10:04:00;13,2;4,0',
      ].join('\n'),
    );
    const imp = await importSensors(csv, { timezone: 'Europe/London' }, await ports(dir));
    expect(imp.files[0]!.counts).toMatchObject({ rowsIn: 6, loaded: 2, duplicates: 1, quarantined: 3 });

    const run = await runLocalWorkflow({ dataDir: dir, input: { from: '2026-11-01', to: '2026-11-22', sources: ['flow-sensors'] }, config: CONFIG, retryIntervalMs: 0 });
    expect(run.error).toBeUndefined();

    // Every run reconciles, and together they are the table.
    const runs = await sql(dir, "SELECT run_id, rows_in, rows_loaded, duplicates, quarantined FROM etl_runs WHERE source = 'flow-sensors' ORDER BY run_id");
    expect(runs).toHaveLength(22);
    for (const r of runs) expect(Number(r.rows_in)).toBe(Number(r.rows_loaded) + Number(r.duplicates) + Number(r.quarantined));
    // The import landed with the first date's run: its 6 rows, 1 duplicate, 3 quarantined with their reasons.
    expect(runs[0]).toMatchObject({ duplicates: 1, quarantined: 3 });
    const loaded = runs.reduce((s, r) => s + Number(r.rows_loaded), 0);
    expect(Number((await one(dir, 'SELECT COUNT(*) AS n FROM sensor_readings')).n)).toBe(loaded);
    expect(await sql(dir, "SELECT flow_lpm, pressure_bar FROM sensor_readings WHERE device_id = 'LOG-1' ORDER BY minute")).toEqual([
      { flow_lpm: 12.5, pressure_bar: 4.1 },
      { flow_lpm: 13.2, pressure_bar: 4 },
    ]);
    const quarantine = (await listKeys((await ports(dir)).lake, 'quarantine/')).filter((k) => k.includes('flow-sensors'));
    const reasons = quarantine.map((k) => readFileSync(join(localPaths(dir).lake, k), 'utf8')).join('\n');
    expect(reasons).toMatch(/logger\.csv line 3: flow_lpm is missing/);
    expect(reasons).toMatch(/logger\.csv line 4: flow_lpm -3 is negative/);
    expect(reasons).toMatch(/logger\.csv line 5: pressure_bar 234\.8 is outside/);

    // The results tables: hours and nights of every simulated day, outliers per channel, 168 forecast hours per device.
    const hourly = await sql(dir, "SELECT device_id, COUNT(*) AS n, SUM(minutes) AS minutes FROM sensor_hourly WHERE device_id LIKE 'FS%' GROUP BY device_id ORDER BY device_id");
    expect(hourly).toHaveLength(2);
    for (const h of hourly) {
      // Every hour of the 22 days with a reading (a dropout can empty an hour: no row, not a zero).
      expect(Number(h.n)).toBeGreaterThan(22 * 24 - 5);
      expect(Number(h.n)).toBeLessThanOrEqual(22 * 24);
      expect(Number(h.minutes)).toBe(Number((await one(dir, `SELECT COUNT(*) AS n FROM sensor_readings WHERE device_id = '${h.device_id}'`)).n));
    }
    expect(await sql(dir, "SELECT device_id, COUNT(*) AS n FROM sensor_night_flow WHERE device_id LIKE 'FS%' GROUP BY device_id ORDER BY device_id")).toEqual([
      { device_id: 'FS001', n: 22 },
      { device_id: 'FS002', n: 22 },
    ]);
    expect(await sql(dir, 'SELECT DISTINCT channel FROM sensor_outliers ORDER BY channel')).toEqual([{ channel: 'flow' }, { channel: 'pressure' }]);
    expect(await sql(dir, "SELECT device_id, CAST(issued_on AS VARCHAR) AS issued_on, COUNT(*) AS n FROM device_forecasts GROUP BY device_id, issued_on ORDER BY device_id")).toEqual([
      { device_id: 'FS001', issued_on: '2026-11-22', n: 168 },
      { device_id: 'FS002', issued_on: '2026-11-22', n: 168 },
    ]);

    // The device file: what `gridlake export device` prints, the forecast's 168 hours in order.
    let text = '';
    await exportDeviceCommand({ dataDir: dir, deviceId: 'FS001', write: (t) => (text = t) });
    const lines = text.split('\n');
    expect(lines).toHaveLength(169);
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toMatch(/^2026-11-23T00:00\+00:00 \d+\.\d$/);
    expect(lines[167]).toMatch(/^2026-11-29T23:00\+00:00 \d+\.\d$/);
    const forecast = await sql(dir, "SELECT flow_lpm FROM device_forecasts WHERE device_id = 'FS001' ORDER BY target_hour");
    expect(lines.slice(0, 168).map((l) => l.split(' ')[1])).toEqual(forecast.map((f) => Number(f.flow_lpm).toFixed(1)));

    // The leak the simulator started on FS001 (its label) is suspected and alerted once; FS002 has none.
    const prefix = (date: string) => `raw/source=flow-sensors/dt=${date}/run=${date}-a1/`;
    const labels = await readFlowLabels((await ports(dir)).lake, prefix('2026-11-10'));
    expect(labels.filter((l) => l.kind === 'leak').map((l) => l.device_id)).toEqual(['FS001']);
    const suspected = await sql(dir, "SELECT DISTINCT device_id FROM sensor_night_flow WHERE leak_suspected ORDER BY device_id");
    expect(suspected).toEqual([{ device_id: 'FS001' }]);
    const leakAlerts = notifications(dir).filter((n) => n.id.startsWith('leak:'));
    expect(leakAlerts).toHaveLength(1);
    expect(leakAlerts[0]!.id).toMatch(/^leak:FS001:2026-11-\d\d$/);

    // The dashboard files: every device, with its backtest.
    const lake = (await ports(dir)).lake;
    const flow = await getJson<Flow>(lake, 'results/latest/flow.json');
    expect(flow.timezone).toBe('Europe/London');
    expect(flow.devices.map((d) => d.deviceId)).toEqual(['FS001', 'FS002', 'LOG-1']);
    const fs001 = await getJson<FlowDevice>(lake, 'results/latest/flow/FS001.json');
    expect(fs001.forecast!.hours).toHaveLength(168);
    expect(fs001.backtest!.models.length).toBeGreaterThan(0);
    expect(fs001.hourly.length).toBeGreaterThan(7 * 24 - 5);
    expect(flow.devices.find((d) => d.deviceId === 'LOG-1')!.forecastSkipped).toMatch(/needs 15 days/);

    // A re-run of the last date: the same rows, no new alert.
    const counts = async () => ({
      hourly: (await one(dir, 'SELECT COUNT(*) AS n FROM sensor_hourly')).n,
      outliers: (await one(dir, 'SELECT COUNT(*) AS n FROM sensor_outliers')).n,
      nights: (await one(dir, 'SELECT COUNT(*) AS n FROM sensor_night_flow')).n,
      forecasts: (await one(dir, 'SELECT COUNT(*) AS n FROM device_forecasts')).n,
    });
    const before = await counts();
    const again = await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-22', sources: ['flow-sensors'] }, config: CONFIG, retryIntervalMs: 0 });
    expect(again.error).toBeUndefined();
    expect(await counts()).toEqual(before);
    expect(notifications(dir).filter((n) => n.id.startsWith('leak:'))).toHaveLength(1);
  }, 600_000);
});
