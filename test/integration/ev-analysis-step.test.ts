/**
 * The EV analysis step (lambdas/steps/analyze/ev-chargers.ts) on a real DuckDB warehouse: the
 * simulated fleet's history in, the dashboard files out, checked against the simulator's failure
 * labels and against the warehouse itself; outages that began before the look-back window keep
 * their start; charger_outages is re-stated idempotently; no EV data gives empty, valid files.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { EvBroken, EvCommute, EvStations, EvUtilisation } from '../../lambdas/contract/results';
import { evChargersAnalysis } from '../../lambdas/steps/analyze/ev-chargers';
import { openEvFixture, type EvFixture } from './ev-analysis-fixture';

const fixtures: EvFixture[] = [];
afterAll(async () => {
  for (const f of fixtures) await f.cleanup();
});
const open = async (o: Parameters<typeof openEvFixture>[0]) => {
  const f = await openEvFixture(o);
  fixtures.push(f);
  return f;
};
const HOUR = 3_600_000;

describe('EV analysis on the simulated fleet', () => {
  it('stations, current availability, broken chargers, utilisation and commute availability follow the data', async () => {
    // Ten days of 40 stations; the analysis reads the last 7 (evChargers.lookbackDays).
    const fx = await open({ stations: 40, from: '2026-11-09T15:00:00Z', to: '2026-11-19T15:00:00Z' });
    const { files, counts } = await evChargersAnalysis.run(fx.ctx('2026-11-19-r1'));
    const stations = files['ev-stations.json'] as EvStations;
    const broken = files['ev-broken.json'] as EvBroken;
    const util = files['ev-utilisation.json'] as EvUtilisation;
    const commute = files['ev-commute.json'] as EvCommute;
    const asOf = Date.parse('2026-11-19T14:45:00Z');
    expect(stations.asOf).toBe(new Date(asOf).toISOString());
    expect(stations.stations).toHaveLength(40);
    expect(counts.statuses).toBe(fx.fleet.chargers.length * 7 * 96);

    // Current availability = each charger's status in the newest snapshot, as the warehouse has it.
    const now = await fx.warehouse.query({
      name: 'now',
      sql: `SELECT station_id, SUM(CASE WHEN status_code = 2 THEN 1 ELSE 0 END) AS available, SUM(CASE WHEN status_code = 3 THEN 1 ELSE 0 END) AS charging,
              SUM(CASE WHEN status_code IN (1, 4, 5) THEN 1 ELSE 0 END) AS out_of_service, COUNT(*) AS n
            FROM charger_status WHERE observed_at = (SELECT MAX(observed_at) FROM charger_status) GROUP BY station_id`,
    });
    for (const r of now) {
      const s = stations.stations.find((x) => x.id === r.station_id)!;
      expect([s.available, s.charging, s.outOfService, s.chargers]).toEqual([Number(r.available), Number(r.charging), Number(r.out_of_service), Number(r.n)]);
      expect(s.stale).toBe(false);
      expect(s.lat).toBeGreaterThan(37);
      expect(s.lon).toBeGreaterThan(126);
    }
    expect(stations.fastChargers.every((c) => c.outputKw >= 50)).toBe(true);
    expect(stations.recent.t.every((t) => Date.parse(t) >= asOf - 2 * HOUR)).toBe(true);

    // Broken now = the labelled outages under way at the newest snapshot for 2 h or more, dated from their start.
    const truth = fx.labels.filter((l) => l.kind === 'outage' && Date.parse(l.start) <= asOf && Date.parse(l.end) > asOf && asOf - Date.parse(l.start) >= 2 * HOUR);
    expect(truth.length).toBeGreaterThan(0);
    expect(broken.items.map((b) => `${b.stationId}/${b.chargerId}`).sort()).toEqual(truth.map((l) => `${l.station_id}/${l.charger_id}`).sort());
    for (const b of broken.items) {
      const l = truth.find((x) => x.station_id === b.stationId && x.charger_id === b.chargerId)!;
      // The first snapshot at or after the outage began (every 15 minutes).
      expect(Date.parse(b.since) - Date.parse(l.start)).toBeGreaterThanOrEqual(0);
      expect(Date.parse(b.since) - Date.parse(l.start)).toBeLessThan(15 * 60_000);
      expect(b.durationHours).toBeCloseTo((asOf - Date.parse(b.since)) / HOUR, 2);
    }
    const recorded = await fx.warehouse.query({ name: 'outages', sql: 'SELECT station_id, charger_id, since, ended_at, detected_run, notified_at FROM charger_outages ORDER BY 1, 2' });
    expect(recorded.map((r) => `${r.station_id}/${r.charger_id}@${r.since}`).sort()).toEqual(broken.items.map((b) => `${b.stationId}/${b.chargerId}@${new Date(b.since).toISOString()}`).sort());
    expect(recorded.every((r) => r.ended_at === null && r.detected_run === '2026-11-19-r1' && r.notified_at === null)).toBe(true);

    // Utilisation: hours of week add up to the station's totals; busiest by charging hours.
    for (const s of util.stations) {
      const sum = util.byHour.chargingHours.reduce((acc, h, i) => acc + (util.byHour.stationId[i] === s.id ? h : 0), 0);
      expect(sum).toBeCloseTo(s.chargingHours, 1);
      // The newest snapshot stands for up to an hour after it (ev-status-history.ts maxHoldMs).
      expect(s.inServiceHours).toBeLessThanOrEqual(s.chargers * (7 * 24 + 1) + 1e-6);
    }
    const hours = util.busiest.map((id) => util.stations.find((s) => s.id === id)!.chargingHours);
    expect(hours).toEqual([...hours].sort((a, b) => b - a));
    expect(util.busiest).toHaveLength(10);

    // Commute: the snapshots in weekday 07–10 Seoul time, counted by the warehouse.
    const [morning] = await fx.warehouse.query({
      name: 'morning',
      sql: `SELECT COUNT(DISTINCT observed_at) AS n FROM charger_status
            WHERE observed_at > TIMESTAMPTZ '2026-11-12T14:45:00Z' AND station_id = :station
              AND EXTRACT(isodow FROM observed_at AT TIME ZONE 'Asia/Seoul') BETWEEN 1 AND 5
              AND EXTRACT(hour FROM observed_at AT TIME ZONE 'Asia/Seoul') BETWEEN 7 AND 9`,
      params: { station: commute.rows[0]!.stationId },
    });
    const row = commute.rows.find((r) => r.stationId === commute.rows[0]!.stationId && r.window === 'morning')!;
    expect(row.snapshots).toBe(Number(morning!.n));
    expect(row.availableShare).toBeGreaterThanOrEqual(0);
    expect(row.availableShare).toBeLessThanOrEqual(1);

    // A re-run over the same data re-states the same outages.
    await evChargersAnalysis.run(fx.ctx('2026-11-19-r2'));
    expect(await fx.warehouse.query({ name: 'outages', sql: 'SELECT station_id, charger_id, since, ended_at, detected_run, notified_at FROM charger_outages ORDER BY 1, 2' })).toEqual(recorded);
  }, 120_000);
});

describe('broken chargers across the look-back window', () => {
  it('an outage older than the window keeps its start; a blip is not broken; a repair ends the recorded outage', async () => {
    const fx = await open({ stations: 1 });
    const [a, b, c] = fx.fleet.chargers;
    const end = Date.parse('2026-11-19T15:00:00Z');
    const rows: { station_id: string; charger_id: string; observed_at: string; status_code: number }[] = [];
    for (let t = end - 12 * 24 * HOUR; t <= end; t += HOUR) {
      const at = new Date(t).toISOString();
      // a: available, then stopped (4) ten days before the end and ever since, 9 now and then.
      rows.push({ station_id: a!.station_id, charger_id: a!.charger_id, observed_at: at, status_code: t < end - 10 * 24 * HOUR ? 2 : t % (5 * HOUR) === 0 ? 9 : 4 });
      // b: a communication error for the last 3 hours.
      rows.push({ station_id: b!.station_id, charger_id: b!.charger_id, observed_at: at, status_code: t > end - 3 * HOUR - 1 ? 1 : 3 });
      // c: a one-hour blip a day ago.
      rows.push({ station_id: c!.station_id, charger_id: c!.charger_id, observed_at: at, status_code: t === end - 24 * HOUR ? 1 : 2 });
    }
    await fx.insertStatuses(rows);
    const first = (await evChargersAnalysis.run(fx.ctx('2026-11-19-r1'))).files['ev-broken.json'] as EvBroken;
    expect(first.items.map((i) => [i.chargerId, i.since, i.durationHours])).toEqual([
      [a!.charger_id, new Date(end - 10 * 24 * HOUR).toISOString(), 240],
      [b!.charger_id, new Date(end - 3 * HOUR).toISOString(), 3],
    ]);
    // Charger a is repaired an hour later: its outage ends there; b is still out.
    await fx.insertStatuses([
      { station_id: a!.station_id, charger_id: a!.charger_id, observed_at: new Date(end + HOUR).toISOString(), status_code: 2 },
      { station_id: b!.station_id, charger_id: b!.charger_id, observed_at: new Date(end + HOUR).toISOString(), status_code: 1 },
    ]);
    const second = (await evChargersAnalysis.run(fx.ctx('2026-11-19-r2'))).files['ev-broken.json'] as EvBroken;
    expect(second.items.map((i) => [i.chargerId, i.durationHours])).toEqual([[b!.charger_id, 4]]);
    const outages = await fx.warehouse.query({ name: 'o', sql: 'SELECT charger_id, since, ended_at, duration_hours, codes, detected_run FROM charger_outages ORDER BY charger_id' });
    expect(outages).toEqual([
      { charger_id: a!.charger_id, since: new Date(end - 10 * 24 * HOUR).toISOString(), ended_at: new Date(end + HOUR).toISOString(), duration_hours: 241, codes: '4', detected_run: '2026-11-19-r1' },
      { charger_id: b!.charger_id, since: new Date(end - 3 * HOUR).toISOString(), ended_at: null, duration_hours: 4, codes: '1', detected_run: '2026-11-19-r1' },
    ]);
  });
});

describe('no EV data', () => {
  it('writes every EV file, empty and valid', async () => {
    const fx = await open({ stations: 1 });
    await fx.warehouse.execute({ name: 'wipe', sql: 'DELETE FROM charging_stations' });
    await fx.warehouse.execute({ name: 'wipe', sql: 'DELETE FROM chargers' });
    const { files, counts } = await evChargersAnalysis.run(fx.ctx('2026-11-19-r1'));
    expect(Object.keys(files).sort()).toEqual(['ev-broken.json', 'ev-commute.json', 'ev-stations.json', 'ev-utilisation.json']);
    expect(files['ev-stations.json']).toMatchObject({ asOf: null, stations: [], fastChargers: [], recent: { t: [] } });
    expect(files['ev-broken.json']).toMatchObject({ asOf: null, items: [] });
    expect(files['ev-utilisation.json']).toMatchObject({ from: null, to: null, stations: [], busiest: [] });
    expect(files['ev-commute.json']).toMatchObject({ rows: [] });
    expect(JSON.parse(JSON.stringify(files))).toEqual(files);
    expect(counts).toMatchObject({ stations: 0, statuses: 0, broken: 0 });
  });
});
