/**
 * lambdas/sql/transform/sensor_readings.sql on real DuckDB, staged by the transform's own JSON-lines
 * stager: the simulator's records load as they are; an imported logger file's records reconcile as
 * its reader counted (loaded, duplicates, quarantined with file, line and reason); records from any
 * other writer are still checked (missing, not a number, negative flow, pressure range, off-minute).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importedRecords, simulatedRecords, type SensorRawRecord } from '../../lambdas/sources/flow-sensors/raw-records';
import { readSensorCsv } from '../../lambdas/sources/flow-sensors/read-sensor-csv';
import { simulateDeviceDay } from '../../lambdas/sources/flow-sensors/simulate';
import { closeTransformInstances, TransformSession } from '../../lambdas/steps/transform/duckdb-session';
import { transformSpec } from '../../lambdas/steps/transform/dataset-specs';
import { stageJsonl } from '../../lambdas/steps/transform/raw-input';
import { runSqlScript } from '../../lambdas/steps/transform/sql-script';

const work = mkdtempSync(join(tmpdir(), 'gridlake-flow-sql-'));
afterAll(async () => {
  await closeTransformInstances();
  rmSync(work, { recursive: true, force: true });
});

async function transform(records: SensorRawRecord[] | Record<string, unknown>[]) {
  const path = join(work, `sensor_readings-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(path, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const session = await TransformSession.open({ spillDir: join(work, 'spill') });
  try {
    await stageJsonl(session, path, path, transformSpec('sensor_readings', path));
    await session.setVariables({ source: 'flow-sensors', run_id: 'run-1' });
    await runSqlScript(session, readFileSync(join(__dirname, '../../lambdas/sql/transform/sensor_readings.sql'), 'utf8'), work);
    const curated = await session.rows(`SELECT device_id, strftime(minute AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%MZ') AS minute, flow_lpm, pressure_bar, source, run_id FROM curated ORDER BY device_id, minute`);
    const rejected = await session.rows<{ ord: number; reason: string }>('SELECT ord, reason FROM checked WHERE reason IS NOT NULL ORDER BY ord');
    const { n } = await session.one<{ n: number }>('SELECT count(*) AS n FROM checked');
    return { curated, rejected, rowsIn: n };
  } finally {
    session.close();
  }
}

describe('sensor_readings transform SQL', () => {
  it('loads a simulated device day as simulated, one row per minute with a reading', async () => {
    const { day } = simulateDeviceDay({ seed: 3, timezone: 'Asia/Tokyo', devices: 2 }, 'FS002', '2026-11-20');
    const records = simulatedRecords('FS002', day);
    const r = await transform(records);
    expect(r.rejected).toEqual([]);
    expect(r.curated).toHaveLength(records.length);
    expect(r.curated[0]).toEqual({ device_id: 'FS002', minute: '2026-11-19T15:00Z', flow_lpm: records[0]!.flow_lpm, pressure_bar: records[0]!.pressure_bar, source: 'flow-sensors', run_id: 'run-1' });
  });

  it('reconciles an imported logger file as its reader counted, rejects quarantined with file and line', async () => {
    const text = [
      'Date;Time;Global_active_power;Global_intensity',
      '16/12/2006;17:24:00;4,216;18,4',
      '16/12/2006;17:25:00;?;?',
      '16/12/2006;17:26:00;-1;18',
      '16/12/2006;17:26:00;5,374;23',
      '16/12/2006;17:27:00;5,388;23',
      '16/12/2006;17:27:00;5,400;23',
      '16/12/2006;17:28:30;5,1;23',
    ].join('\r\n');
    const read = readSensorCsv(text, { file: 'household.txt', columns: { date: 'Date', time: 'Time', flow_lpm: 'Global_active_power', pressure_bar: 'Global_intensity' }, deviceId: 'UCI', timezone: 'Europe/Paris' });
    expect(read.counts).toMatchObject({ rowsIn: 7, loaded: 3, duplicates: 1, quarantined: 3 });
    const r = await transform(importedRecords(read));
    expect(r.rowsIn).toBe(read.counts.rowsIn);
    expect(r.curated).toHaveLength(read.counts.loaded);
    expect(r.rejected).toHaveLength(read.counts.quarantined);
    expect(r.rowsIn - r.curated.length - r.rejected.length).toBe(read.counts.duplicates);
    expect(r.curated.map((c) => [c.minute, c.flow_lpm])).toEqual([
      ['2006-12-16T16:24Z', 4.216],
      ['2006-12-16T16:26Z', 5.374],
      ['2006-12-16T16:27Z', 5.4],
    ]);
    expect(r.rejected.map((x) => x.reason)).toEqual([
      expect.stringMatching(/^household\.txt line 3: flow_lpm is missing \(written "\?"\)/),
      expect.stringMatching(/^household\.txt line 4: flow_lpm -1 is negative/),
      expect.stringMatching(/^household\.txt line 8: .*:00/),
    ]);
  });

  it('checks records from any writer and keeps the later row of a minute', async () => {
    const ok = { device_id: 'D1', timestamp: '2026-12-01T09:30:00Z', flow_lpm: '12.5', pressure_bar: '4.2', reject_reason: null };
    const r = await transform([
      ok,
      { ...ok, device_id: '' },
      { ...ok, timestamp: '2026-12-01 09:31:00' },
      { ...ok, timestamp: '2026-12-01T09:32:30Z' },
      { ...ok, timestamp: '2026-12-01T09:33:00Z', flow_lpm: '?' },
      { ...ok, timestamp: '2026-12-01T09:34:00Z', flow_lpm: 'twelve' },
      { ...ok, timestamp: '2026-12-01T09:35:00Z', flow_lpm: '-0.5' },
      { ...ok, timestamp: '2026-12-01T09:36:00Z', pressure_bar: '234.84' },
      { ...ok, timestamp: '2026-12-01T09:37:00Z', pressure_bar: null },
      { ...ok, timestamp: '2026-12-01T18:30:00+09:00', flow_lpm: '13' },
    ]);
    expect(r.rejected.map((x) => [x.ord, x.reason.split(':')[0]])).toEqual([
      [2, 'device_id is missing'],
      [3, 'timestamp is not an ISO-8601 instant with Z or an offset (e.g. 2026-12-01T09'],
      [4, 'timestamp is not on the minute (seconds must be '],
      [5, 'flow_lpm is missing'],
      [6, 'flow_lpm is not a number'],
      [7, 'flow_lpm is negative'],
      [8, 'pressure_bar is outside −1 … 100 bar'],
    ]);
    // 09:30Z twice (the second written with +09:00): the later row wins, the first is a duplicate.
    expect(r.curated.map((c) => [c.minute, c.flow_lpm, c.pressure_bar])).toEqual([
      ['2026-12-01T09:30Z', 13, 4.2],
      ['2026-12-01T09:37Z', 12.5, null],
    ]);
    expect(r.rowsIn - r.curated.length - r.rejected.length).toBe(1);
  });
});
