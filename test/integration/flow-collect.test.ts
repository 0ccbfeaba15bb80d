/**
 * The flow-sensors collect and import on a real folder object store: an import lands the files and
 * its manifest (refused, with nothing written, when the file cannot be read at all), the collect
 * moves it into the run's raw prefix and writes records that reconcile with the reader, the
 * simulator's day lands beside with its labels, and a re-run writes the same bytes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listKeys } from '../../lambdas/ports/object-store';
import { collectFlowSensors, readFlowLabels } from '../../lambdas/sources/flow-sensors/collect';
import { importSensors } from '../../lambdas/sources/flow-sensors/import-sensors';
import { decodeJsonlGz } from '../../lambdas/sources/jsonl-gz';
import { testLake, type TestLake } from '../unit/transform-helpers';

const EXCERPT = join(__dirname, '..', 'fixtures', 'flow-sensors', 'uci-household-excerpt.txt');
const UCI = { columns: 'date=Date,time=Time,flow_lpm=Global_active_power,pressure_bar=Global_intensity', deviceId: 'UCI-SCEAUX', timezone: 'Europe/Paris' };
const input = { runId: 'run-1', date: '2026-12-01', source: 'flow-sensors' as const };
const prefix = 'raw/source=flow-sensors/dt=2026-12-01/run=run-1/';

let t: TestLake;
afterEach(() => t?.cleanup());
const records = async (key: string) => decodeJsonlGz<Record<string, unknown>>(await t.lake.get(key), key);

describe('flow-sensors import and collect', () => {
  it('lands a logger export, then moves it into raw as records that reconcile with the reader; a re-run is the same', async () => {
    t = testLake();
    const imp = await importSensors(EXCERPT, { ...UCI, importId: 'imp-a' }, t.ports);
    expect(imp.files).toEqual([expect.objectContaining({ file: 'uci-household-excerpt.txt', devices: ['UCI-SCEAUX'], counts: expect.objectContaining({ rowsIn: 22, quarantined: 0 }) })]);
    expect(await listKeys(t.lake, 'landing/')).toEqual(['landing/flow-sensors/imp-a/manifest.json', 'landing/flow-sensors/imp-a/uci-household-excerpt.txt']);

    const batches = await collectFlowSensors(input, t.ports, { source: 'flow-sensors', simulator: { devices: 3, seed: 5, timezone: 'Asia/Tokyo' } });
    expect(await listKeys(t.lake, 'landing/')).toEqual([]);
    expect(batches.map((b) => [b.dataset, b.rawKey.slice(prefix.length)])).toEqual([
      ['sensor_readings', 'imports/imp-a/sensor_readings.jsonl.gz'],
      ['sensor_readings', 'sim/sensor_readings.jsonl.gz'],
    ]);
    const imported = await records(batches[0]!.rawKey);
    expect(imported).toHaveLength(22);
    expect(imported[0]).toEqual({ device_id: 'UCI-SCEAUX', timestamp: '2006-12-16T16:24:00Z', flow_lpm: 4.216, pressure_bar: 18.4, reject_reason: null });
    const sim = await records(batches[1]!.rawKey);
    // 3 devices × 1,440 minutes, less the dropouts' minutes.
    expect(sim.length).toBeGreaterThan(3 * 1440 * 0.9);
    expect(sim.length).toBeLessThanOrEqual(3 * 1440);
    expect(new Set(sim.map((r) => r.device_id))).toEqual(new Set(['FS001', 'FS002', 'FS003']));
    const labels = await readFlowLabels(t.lake, prefix);
    for (const l of labels) expect(['FS001', 'FS002', 'FS003']).toContain(l.device_id);

    const before = await Promise.all(batches.map((b) => t.lake.get(b.rawKey)));
    const again = await collectFlowSensors(input, t.ports, { source: 'flow-sensors', simulator: { devices: 3, seed: 5, timezone: 'Asia/Tokyo' } });
    expect(again).toEqual(batches);
    expect(await Promise.all(again.map((b) => t.lake.get(b.rawKey)))).toEqual(before);
  });

  it('refuses a file it cannot read at all, writing nothing; row problems are summarised by reason', async () => {
    t = testLake();
    await expect(importSensors(EXCERPT, { ...UCI, columns: 'date=Date,time=Time,flow_lpm=Flow' }, t.ports)).rejects.toThrow(/Flow/);
    await expect(importSensors(EXCERPT, { ...UCI, timezone: 'Paris' }, t.ports)).rejects.toThrow(/not an IANA timezone/);
    expect(await listKeys(t.lake, 'landing/')).toEqual([]);
    // Voltage (~235 V) read as pressure: every row rejected for one reason, shown once with its count.
    const voltage = await importSensors(EXCERPT, { ...UCI, columns: 'date=Date,time=Time,flow_lpm=Global_active_power,pressure_bar=Voltage' }, t.ports);
    expect(voltage.rejects).toHaveLength(1);
    expect(voltage.rejects[0]).toMatchObject({ count: 22, firstLine: 2 });
    expect(voltage.rejects[0]!.example.reason).toMatch(/pressure_bar 234\.84 is outside −1 … 100 bar: check the unit/);
    const missing = join(t.dir, 'gaps.csv');
    writeFileSync(missing, 'device_id,timestamp,flow_lpm,pressure_bar\nD1,2026-12-01T00:00Z,1,4\nD1,2026-12-01T00:01Z,?,4\nD1,2026-12-01T00:02Z,?,?\n');
    const g = await importSensors(missing, { timezone: 'UTC' }, t.ports);
    expect(g.rejects.map((r) => [r.pattern, r.count])).toEqual([['flow_lpm is missing (written "…")', 2]]);
  });
});
