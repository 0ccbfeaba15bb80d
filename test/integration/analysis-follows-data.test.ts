/**
 * Runs analyse what they loaded: an export of old history (the energy app's layout, Tokyo, ending
 * 2016-12-31) imported and run once with `--sources meters` and no date, as a user does it. The
 * anomalies cover the whole imported history (every labelled event found, few false alarms, on homes
 * with appliance bursts that are not anomalies), the forecast starts at the first hour after the last
 * reading, the results are published as of the data's last day, and re-running changes nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';
import type { Forecast, Overview } from '../../lambdas/contract/results';
import { getText } from '../../lambdas/ports/object-store';
import { closeLocalPorts, localPaths, localPorts } from '../../lambdas/ports/local-ports';
import { importMeters } from '../../lambdas/sources/meters/index';
import { instantMs } from '../../lambdas/steps/analyze/instant';
import { silentLog } from '../../lambdas/steps/ports';
import { runLocalWorkflow } from '../../local/workflow';
import { writeLabelledExport, type LabelledExport } from './labelled-export';

const dir = mkdtempSync(join(tmpdir(), 'gridlake-follow-'));
const exportDir = mkdtempSync(join(tmpdir(), 'gridlake-export-'));
const ports = () => localPorts({ dataDir: dir, config: parseConfig({}), log: silentLog });
const sql = async (text: string) => (await ports()).warehouse.query({ name: 'test', sql: text });
const METERS = 3;
let fleet: LabelledExport;

interface Found {
  meter: string;
  rule: string;
  start: number;
}

beforeAll(async () => {
  // 60 local days ending 2016-12-31 in Asia/Tokyo (UTC+9, no DST).
  fleet = writeLabelledExport(exportDir, { meters: METERS, days: 60, firstDay: '2016-11-02', offsetHours: 9, seed: 7 });
  await importMeters(exportDir, { timezone: 'Asia/Tokyo' }, await ports());
  const result = await runLocalWorkflow({ dataDir: dir, input: { sources: ['meters'] }, retryIntervalMs: 0 });
  expect(result.error).toBeUndefined();
}, 240_000);

afterAll(async () => {
  await closeLocalPorts(dir);
  if (!process.env.KEEP_DIR) rmSync(dir, { recursive: true, force: true });
  rmSync(exportDir, { recursive: true, force: true });
});

async function found(): Promise<Found[]> {
  const rows = await sql("SELECT subject_id, rule, occurred_at FROM anomalies WHERE subject_type = 'meter' ORDER BY occurred_at");
  return rows.map((r) => ({ meter: String(r.subject_id), rule: String(r.rule), start: instantMs(r.occurred_at!, 'occurred_at') }));
}

describe('an imported history, run once with --sources meters and no date', () => {
  it('finds every labelled event (spikes, stuck run, gap, level shift) with few false alarms', async () => {
    const all = await found();
    const STEP = 30 * 60_000;
    const missed = fleet.labels.filter(
      (l) => !all.some((a) => a.meter === l.meterId && a.rule === l.kind && a.start >= l.start - STEP && a.start < l.end),
    );
    if (missed.length) console.log('missed', missed, 'found', all.filter((a) => missed.some((m) => m.meterId === a.meter)), process.env.KEEP_DIR ? dir : '');
    expect(missed).toEqual([]);
    const falseAlarms = all.filter(
      (a) => !fleet.labels.some((l) => l.meterId === a.meter && a.start >= l.start - 86_400_000 && a.start < l.end + 86_400_000),
    );
    console.log(`labels ${fleet.labels.length}, detections ${all.length}, false alarms ${falseAlarms.length}`, falseAlarms);
    // Few: at most one per meter over 60 days of homes with appliance bursts every few hours.
    expect(falseAlarms.length).toBeLessThanOrEqual(METERS);
  });

  it('covers the whole history, not only its last days', async () => {
    const months = new Set((await found()).map((a) => new Date(a.start).toISOString().slice(0, 7)));
    expect([...months].sort()).toEqual(['2016-11', '2016-12']);
  });

  it('forecasts from the first hour after the last reading (2016-12-31T15:00Z for Tokyo)', async () => {
    expect(new Date(fleet.lastReadingAt).toISOString()).toBe('2016-12-31T14:30:00.000Z');
    const [first] = await sql('SELECT MIN(target_hour) AS t, COUNT(DISTINCT group_id) AS groups FROM forecasts');
    expect(new Date(instantMs(first!.t!, 't')).toISOString()).toBe('2016-12-31T15:00:00.000Z');
    const lake = (await ports()).lake;
    const forecast = JSON.parse((await getText(lake, 'results/latest/forecast.json'))!) as Forecast;
    expect(forecast.groups.length).toBeGreaterThan(0);
    for (const g of forecast.groups) expect(g.points.t[0]).toBe('2016-12-31T15:00:00.000Z');
    const overview = JSON.parse((await getText(lake, 'results/latest/overview.json'))!) as Overview;
    expect(overview.asOfDay).toBe('2016-12-31');
  });

  it('alerts only the anomalies of the last days of the data: an imported history is not news', async () => {
    const text = existsSync(localPaths(dir).notifications) ? readFileSync(localPaths(dir).notifications, 'utf8') : '';
    const alerts = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind: string; details: { occurredAt: string } });
    const meterAlerts = alerts.filter((a) => a.kind === 'anomaly');
    expect(meterAlerts.length).toBeGreaterThan(0);
    for (const a of meterAlerts) expect(a.details.occurredAt >= '2016-12-23').toBe(true);
    // On the meter's clock, the zone named.
    expect(alerts.some((a) => JSON.stringify(a).includes('(Asia/Tokyo)'))).toBe(true);
  });

  it('a second run with nothing new loaded keeps the anomalies as they are', async () => {
    const before = await sql('SELECT anomaly_id, value, score FROM anomalies ORDER BY anomaly_id');
    const again = await runLocalWorkflow({ dataDir: dir, input: { sources: ['meters'] }, retryIntervalMs: 0 });
    expect(again.error).toBeUndefined();
    expect(await sql('SELECT anomaly_id, value, score FROM anomalies ORDER BY anomaly_id')).toEqual(before);
  }, 120_000);
});
