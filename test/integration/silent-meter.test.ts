/**
 * A meter that stops reporting altogether: later executions load nothing for it, so it is not among
 * the meters they loaded — yet it is the fault an operator most needs to hear about. Three homes
 * (the energy app's export layout, Tokyo) are imported for 30 days; then two daily deliveries carry
 * only two of them. The silent one gets one gap anomaly from its last reading to the end of the
 * execution's last local day, the same anomaly (one id, growing) on the next day, and one alert.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';
import { closeLocalPorts, localPaths, localPorts } from '../../lambdas/ports/local-ports';
import { importMeters } from '../../lambdas/sources/meters/index';
import { instantMs } from '../../lambdas/steps/analyze/instant';
import { silentLog } from '../../lambdas/steps/ports';
import { runLocalWorkflow } from '../../local/workflow';
import { writeLabelledExport } from './labelled-export';

const dir = mkdtempSync(join(tmpdir(), 'gridlake-silent-'));
const full = mkdtempSync(join(tmpdir(), 'gridlake-silent-export-'));
const ports = () => localPorts({ dataDir: dir, config: parseConfig({}), log: silentLog });
const sql = async (text: string, params?: Record<string, string>) => (await ports()).warehouse.query({ name: 'test', sql: text, params });
const SILENT = '5002';

/** The export's lines of local days [fromDay, toDay) for the given meters, as a new export folder. */
function delivery(meters: string[], fromDay: string, toDay: string): string {
  const out = mkdtempSync(join(tmpdir(), 'gridlake-silent-day-'));
  writeLabelledExport(out, { meters: 0, days: 0, firstDay: fromDay, offsetHours: 9, seed: 1 });
  writeFileSync(join(out, 'user_data.csv'), readFileSync(join(full, 'user_data.csv')));
  for (const id of meters) {
    const lines = readFileSync(join(full, 'consumption', `${id}.csv`), 'utf8').trimEnd().split('\n');
    const kept = lines.slice(1).filter((l) => l.slice(0, 10) >= fromDay && l.slice(0, 10) < toDay);
    writeFileSync(join(out, 'consumption', `${id}.csv`), [lines[0], ...kept].join('\n') + '\n');
  }
  return out;
}

/** Imports a delivery and runs the schedule's date for it (each day its own run, as in production). */
async function importAndRun(folder: string, date: string): Promise<void> {
  await importMeters(folder, { timezone: 'Asia/Tokyo' }, await ports());
  rmSync(folder, { recursive: true, force: true });
  const result = await runLocalWorkflow({ dataDir: dir, input: { sources: ['meters'], date }, retryIntervalMs: 0 });
  expect(result.error).toBeUndefined();
}

async function silentGaps() {
  const rows = await sql("SELECT anomaly_id, occurred_at, score, severity FROM anomalies WHERE subject_id = :id AND rule = 'gap' ORDER BY occurred_at", { id: SILENT });
  return rows.map((r) => ({ id: String(r.anomaly_id), start: new Date(instantMs(r.occurred_at!, 'occurred_at')).toISOString(), missing: Number(r.score), severity: String(r.severity) }));
}

const alertsFor = (id: string) =>
  readFileSync(localPaths(dir).notifications, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && (JSON.parse(l) as { id: string }).id === id).length;

beforeAll(async () => {
  // 32 local days from 2016-11-01; the first delivery is days 1–30 of all three homes.
  writeLabelledExport(full, { meters: 3, days: 32, firstDay: '2016-11-01', offsetHours: 9, seed: 11 });
  await importAndRun(delivery(['5000', '5001', SILENT], '2016-11-01', '2016-12-01'), '2016-11-30');
}, 240_000);

afterAll(async () => {
  await closeLocalPorts(dir);
  rmSync(dir, { recursive: true, force: true });
  rmSync(full, { recursive: true, force: true });
});

describe('a meter that stops reporting', () => {
  it('has no gap while it reports', async () => {
    expect((await silentGaps()).filter((g) => g.start >= '2016-11-29')).toEqual([]);
  });

  it('is one high gap from its last reading to the end of the next delivery day, in its own zone', async () => {
    await importAndRun(delivery(['5000', '5001'], '2016-12-01', '2016-12-02'), '2016-12-01');
    console.log(JSON.stringify(await sql("SELECT subject_id, rule, occurred_at, score, detected_run FROM anomalies ORDER BY occurred_at DESC LIMIT 8"))); console.log(JSON.stringify(await sql("SELECT meter_id, run_id, MIN(interval_start) a, MAX(interval_start) b FROM meter_readings GROUP BY 1,2 ORDER BY 1,2")));
    const gaps = (await silentGaps()).filter((g) => g.start >= '2016-11-29');
    // Last reading 2016-11-30 23:30 Tokyo = 14:30Z; silent from 15:00Z to the end of 1 December Tokyo (15:00Z): 48 intervals.
    expect(gaps).toEqual([{ id: expect.any(String), start: '2016-11-30T15:00:00.000Z', missing: 48, severity: 'high' }]);
    expect(alertsFor(gaps[0]!.id)).toBe(1);
    // The meters that did report have no gap at the delivery boundary.
    const others = await sql("SELECT COUNT(*) AS n FROM anomalies WHERE subject_id IN ('5000', '5001') AND rule = 'gap' AND occurred_at >= TIMESTAMPTZ '2016-11-30 00:00:00+00'");
    expect(Number(others[0]!.n)).toBe(0);
  });

  it('stays the same anomaly while the silence lasts (growing), alerted once', async () => {
    const before = (await silentGaps()).filter((g) => g.start >= '2016-11-29');
    await importAndRun(delivery(['5000', '5001'], '2016-12-02', '2016-12-03'), '2016-12-02');
    const after = (await silentGaps()).filter((g) => g.start >= '2016-11-29');
    expect(after).toEqual([{ id: before[0]!.id, start: '2016-11-30T15:00:00.000Z', missing: 96, severity: 'high' }]);
    expect(alertsFor(before[0]!.id)).toBe(1);
  });
});
