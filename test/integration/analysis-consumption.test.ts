/**
 * Consumption results on a real DuckDB warehouse, checked against a plain reference computed here from
 * the raw readings with Intl: each customer's 30-minute profiles (local day, local clock time, kWh, in
 * time order) and daily values. Meters sit in four timezones — one with a DST fall-back day in the
 * window (50 intervals, the repeated hour twice), one whose local half hours are UTC quarter hours — and
 * have missing readings, so the profile query's slot numbering and its NULL cells are exercised.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';
import type { MeterDetail } from '../../lambdas/contract/results';
import { fixedClock } from '../../lambdas/ports/clock';
import { DuckDbWarehouse } from '../../lambdas/ports/duckdb-warehouse';
import { LocalFolderStore } from '../../lambdas/ports/local-folder-store';
import { multiRowInserts } from '../../lambdas/sql/analysis/multi-row-insert';
import { migrateWarehouse } from '../../lambdas/schema/warehouse-schema';
import { consumptionAnalysis, PROFILE_DAYS } from '../../lambdas/steps/analyze/consumption';
import { pseudonymise } from '../../lambdas/steps/analyze/pseudonym';
import { silentLog, type StepPorts } from '../../lambdas/steps/ports';
import { addDays } from '../../lambdas/steps/analyze/window';
import { RecordingNotifier } from './analysis-fixture';

/** Europe/London falls back on 2025-10-26 (01:00–02:00 local twice). */
const AS_OF = '2025-10-28';
const METERS = [
  { id: 'M-LON', timezone: 'Europe/London' },
  { id: 'M-NYC', timezone: 'America/New_York' },
  { id: 'M-KTM', timezone: 'Asia/Kathmandu' }, // UTC+05:45: local :00/:30 are UTC :15/:45
  { id: 'M-AKL', timezone: 'Pacific/Auckland' },
];
const STEP = 30 * 60_000;

let dir: string;
let warehouse: DuckDbWarehouse;
let ports: StepPorts;
const readings: { meterId: string; t: number; kwh: number }[] = [];

function localParts(ms: number, timezone: string): { day: string; time: string } {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return { day: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gridlake-consumption-'));
  const lake = new LocalFolderStore(join(dir, 'lake'));
  warehouse = await DuckDbWarehouse.open(join(dir, 'warehouse.duckdb'), { store: lake });
  await migrateWarehouse(warehouse);
  ports = {
    config: parseConfig({ analysis: { historyDays: 20 } }),
    lake,
    site: new LocalFolderStore(join(dir, 'site')),
    warehouse,
    notifier: new RecordingNotifier(),
    clock: fixedClock(`${addDays(AS_OF, 1)}T06:00:00Z`),
    log: silentLog,
    pseudonymKey: 'test-key',
    tmpDir: dir,
  };
  await warehouse.transaction(
    multiRowInserts(
      'seed_meters',
      "INSERT INTO meters (meter_id, timezone, area, tariff, source, updated_run) VALUES (:meter_id, :timezone, 'a1', 'flat', 'test', 'seed');",
      METERS.map((m) => ({ meter_id: m.id, timezone: m.timezone })),
    ),
  );
  // 25 days of local half hours ending the day after AS_OF, with deterministic values and holes.
  const from = Date.parse(`${addDays(AS_OF, -23)}T00:00:00Z`);
  const to = Date.parse(`${addDays(AS_OF, 2)}T00:00:00Z`);
  METERS.forEach((m, i) => {
    const offset = m.timezone === 'Asia/Kathmandu' ? 15 * 60_000 : 0;
    for (let t = from + offset, k = 0; t < to; t += STEP, k++) {
      if ((k + 7 * i) % 53 === 0 || (i === 1 && k % 97 < 5)) continue; // single misses and short outages
      readings.push({ meterId: m.id, t, kwh: Math.round((0.1 + ((k * 37 + i * 11) % 100) / 173) * 1000) / 1000 });
    }
  });
  const rows = readings.map((r) => ({ meter_id: r.meterId, interval_start: new Date(r.t).toISOString(), kwh: r.kwh }));
  await warehouse.transaction(
    multiRowInserts(
      'seed_readings',
      "INSERT INTO meter_readings (meter_id, interval_start, interval_minutes, kwh, source, run_id) VALUES (:meter_id, CAST(:interval_start AS TIMESTAMPTZ), 30, :kwh, 'test', 'seed');",
      rows,
    ),
  );
  await warehouse.execute({
    name: 'seed_meter_daily',
    sql: `INSERT INTO meter_daily
      SELECT r.meter_id, CAST(r.interval_start AT TIME ZONE m.timezone AS DATE), SUM(kwh), AVG(kwh), COUNT(*), MAX(kwh)
      FROM meter_readings r JOIN meters m ON m.meter_id = r.meter_id GROUP BY 1, 2`,
  });
});

afterAll(async () => {
  await warehouse?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('per-customer consumption files', () => {
  it('hold each local day of the last week in time order, with its local clock times', async () => {
    const { files } = await consumptionAnalysis.run({
      input: { date: AS_OF, runId: `${AS_OF}-a1` },
      ports,
      asOfDay: AS_OF,
      fromDay: AS_OF,
      detectToDay: AS_OF,
    });
    const firstDay = addDays(AS_OF, -PROFILE_DAYS + 1);
    for (const m of METERS) {
      const detail = files[`meters/${pseudonymise('test-key', m.id)}.json`] as MeterDetail;
      expect(detail, m.id).toBeDefined();
      const expected: MeterDetail['profiles'] = {};
      for (const r of readings.filter((x) => x.meterId === m.id).sort((a, b) => a.t - b.t)) {
        const { day, time } = localParts(r.t, m.timezone);
        if (day < firstDay || day > AS_OF) continue;
        const p = (expected[day] ??= { start: [], kwh: [] });
        p.start.push(time);
        p.kwh.push(r.kwh);
      }
      expect(Object.keys(detail.profiles).sort(), m.id).toEqual(Object.keys(expected).sort());
      for (const day of Object.keys(expected)) expect(detail.profiles[day], `${m.id} ${day}`).toEqual(expected[day]);
    }
    const london = files[`meters/${pseudonymise('test-key', 'M-LON')}.json`] as MeterDetail;
    const fallBack = london.profiles['2025-10-26']!;
    // The repeated hour appears twice, in time order.
    expect(fallBack.start.filter((s) => s === '01:00' || s === '01:30').length).toBeGreaterThanOrEqual(3);
    expect(fallBack.start.length).toBeGreaterThan(48);
  });

  it('carry the daily values of the history window', async () => {
    const { files } = await consumptionAnalysis.run({
      input: { date: AS_OF, runId: `${AS_OF}-a1` },
      ports,
      asOfDay: AS_OF,
      fromDay: AS_OF,
      detectToDay: AS_OF,
    });
    for (const m of METERS) {
      const detail = files[`meters/${pseudonymise('test-key', m.id)}.json`] as MeterDetail;
      const perDay = new Map<string, number[]>();
      for (const r of readings.filter((x) => x.meterId === m.id)) {
        const { day } = localParts(r.t, m.timezone);
        if (day <= addDays(AS_OF, -20) || day > AS_OF) continue;
        perDay.set(day, [...(perDay.get(day) ?? []), r.kwh]);
      }
      const days = [...perDay.keys()].sort();
      expect(detail.daily.day).toEqual(days);
      expect(detail.daily.intervals).toEqual(days.map((d) => perDay.get(d)!.length));
      days.forEach((d, i) => {
        expect(detail.daily.totalKwh[i]).toBeCloseTo(perDay.get(d)!.reduce((a, b) => a + b, 0), 3);
        expect(detail.daily.peakKwh[i]).toBeCloseTo(Math.max(...perDay.get(d)!), 3);
      });
    }
  });
});
