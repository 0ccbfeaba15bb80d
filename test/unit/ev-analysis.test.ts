/**
 * EV analysis: broken chargers scored on the simulator's labelled failures (recall and precision),
 * and hand-made cases for utilisation, busiest stations, commute availability, fast chargers and
 * the nearest-available recommendation.
 */
import { describe, expect, it } from 'vitest';
import { brokenChargerAlerts } from '../../lambdas/analysis/ev-broken-alerts';
import { brokenChargers, findOutages } from '../../lambdas/analysis/ev-broken-chargers';
import { commuteAvailability } from '../../lambdas/analysis/ev-commute-availability';
import { fastChargersPerStation, type ChargerInfo } from '../../lambdas/analysis/ev-fast-chargers';
import { haversineKm } from '../../lambdas/analysis/ev-geo';
import { recommendStations } from '../../lambdas/analysis/ev-recommend';
import type { StatusObservation } from '../../lambdas/analysis/ev-status-history';
import { busiestStations, stationUtilisation } from '../../lambdas/analysis/ev-utilisation';
import { simulateHistory } from '../../lambdas/sources/ev-chargers/sim-history';
import { simulatedFleet } from '../../lambdas/sources/ev-chargers/sim-stations';

const H = 3_600_000;
const obs = (station_id: string, charger_id: string, observed_at: string, status_code: number): StatusObservation => ({ station_id, charger_id, observed_at, status_code });
/** Observations of one charger every `stepMin` minutes from `start`, one code each. */
function series(station: string, charger: string, start: string, stepMin: number, codes: number[]): StatusObservation[] {
  const t0 = Date.parse(start);
  return codes.map((c, i) => obs(station, charger, new Date(t0 + i * stepMin * 60_000).toISOString(), c));
}

describe('broken chargers against the simulator labels (40 stations × 28 days)', () => {
  const fleet = simulatedFleet(11);
  const from = '2026-10-04T15:00:00Z';
  const to = '2026-11-01T15:00:00Z';
  const sim = simulateHistory({ seed: 11, fleet, from, to, outageRate: 0.02 });
  const asOf = Date.parse(to) - 15 * 60_000;
  const found = findOutages(sim.statuses, { minDurationMs: 2 * H, asOf });
  // Outages visible for at least 2 h 15 min inside the range (one cut by its edges may show for less).
  const outages = sim.labels.filter((l) => l.kind === 'outage' && Math.min(Date.parse(l.end), asOf) - Math.max(Date.parse(l.start), Date.parse(from)) >= 2.25 * H);
  const allOutages = sim.labels.filter((l) => l.kind === 'outage');
  const overlaps = (o: { station_id: string; charger_id: string; since: string; last_seen_out: string }, l: (typeof outages)[number]) =>
    o.station_id === l.station_id && o.charger_id === l.charger_id && o.since < l.end && l.start <= o.last_seen_out;

  it('finds the outages (recall ≥ 0.95) and flags little else (precision ≥ 0.95)', () => {
    expect(outages.length).toBeGreaterThan(100);
    const recall = outages.filter((l) => found.some((o) => overlaps(o, l))).length / outages.length;
    const precision = found.filter((o) => allOutages.some((l) => overlaps(o, l))).length / found.length;
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(precision).toBeGreaterThanOrEqual(0.95);
  });

  it('never flags a blip, and dates each outage from its first out-of-service snapshot', () => {
    const blips = sim.labels.filter((l) => l.kind === 'blip');
    expect(blips.length).toBeGreaterThan(100);
    const fromBlip = found.filter((o) => blips.some((b) => o.station_id === b.station_id && o.charger_id === b.charger_id && o.since >= b.start && o.since < b.end));
    expect(fromBlip.filter((o) => !allOutages.some((l) => overlaps(o, l)))).toEqual([]);
    for (const o of found) {
      // The label in force at the first out-of-service snapshot: the outage itself, or a blip right
      // before it (an unbroken run of out-of-service snapshots is one outage to any observer).
      const first = sim.labels.find((x) => x.station_id === o.station_id && x.charger_id === o.charger_id && x.start <= o.since && o.since < x.end)!;
      expect(first).toBeDefined();
      if (first.kind !== 'outage' || first.start < from) continue;
      // Snapshots every 15 minutes: the outage is seen at most 15 minutes after it starts.
      expect(Date.parse(o.since) - Date.parse(first.start)).toBeLessThan(15 * 60_000);
    }
  });

  it('lists as broken now exactly the labelled outages still running at the end', () => {
    const now = brokenChargers(sim.statuses, { minDurationMs: 2 * H, asOf });
    const running = allOutages.filter((l) => Date.parse(l.start) <= asOf - 2 * H && Date.parse(l.end) > asOf);
    expect(now.map((o) => `${o.station_id}/${o.charger_id}`).sort()).toEqual(running.map((l) => `${l.station_id}/${l.charger_id}`).sort());
    expect(now.every((o) => o.ongoing && o.until === null)).toBe(true);
  });
});

describe('broken chargers, hand-made', () => {
  it('one run across communication error, inspection and unknown, with since-when and duration', () => {
    const h = series('S1', '01', '2026-11-30T00:00:00Z', 60, [2, 3, 1, 1, 9, 5, 5, 2, 2]);
    const out = findOutages(h, { minDurationMs: 3 * H });
    expect(out).toEqual([
      {
        station_id: 'S1',
        charger_id: '01',
        since: '2026-11-30T02:00:00Z',
        until: '2026-11-30T07:00:00Z',
        last_seen_out: '2026-11-30T06:00:00Z',
        duration_ms: 5 * H,
        codes: [1, 5],
        ongoing: false,
      },
    ]);
    expect(findOutages(h, { minDurationMs: 6 * H })).toEqual([]);
  });

  it('is broken now only while still out of service, longer than the threshold', () => {
    const h = [
      ...series('S1', '01', '2026-11-30T00:00:00Z', 60, [2, 4, 4, 4, 4]), // stopped since 01:00, 3 h at 04:00
      ...series('S1', '02', '2026-11-30T00:00:00Z', 60, [2, 2, 2, 1, 1]), // 1 h: a blip so far
      ...series('S2', '01', '2026-11-30T00:00:00Z', 60, [4, 4, 2, 2, 2]), // recovered
    ];
    const now = brokenChargers(h, { minDurationMs: 2 * H });
    expect(now.map((o) => [o.station_id, o.charger_id, o.since, o.duration_ms])).toEqual([['S1', '01', '2026-11-30T01:00:00Z', 3 * H]]);
    expect(brokenChargers(h, { minDurationMs: 30 * 60_000 }).map((o) => o.charger_id)).toEqual(['01', '02']);
    // Later "now" without new data within the gap: still broken, and longer.
    expect(brokenChargers(h, { minDurationMs: 2 * H, asOf: Date.parse('2026-11-30T08:00:00Z') })[0]!.duration_ms).toBe(7 * H);
  });

  it('alerts once per outage: a stable id, high after a day', () => {
    const h = [...series('S1', '01', '2026-11-29T00:00:00Z', 60, [2, ...Array(30).fill(4)]), ...series('S1', '02', '2026-11-30T03:00:00Z', 60, [1, 1, 1, 1])];
    const names = new Map([['S1', '광화문 D타워']]);
    const first = brokenChargerAlerts(brokenChargers(h, { asOf: Date.parse('2026-11-30T06:00:00Z') }), names);
    expect(first.map((a) => [a.id, a.severity])).toEqual([
      ['ev-broken:S1/01:2026-11-29T01:00:00Z', 'high'],
      ['ev-broken:S1/02:2026-11-30T03:00:00Z', 'warning'],
    ]);
    expect(first[0]!.message).toBe('Charger S1/01 (광화문 D타워) has been out of service (stopped) since 2026-11-29T01:00:00Z, 29 h.');
    const later = brokenChargerAlerts(brokenChargers(h, { asOf: Date.parse('2026-11-30T07:00:00Z') }), names);
    expect(later.map((a) => a.id)).toEqual(first.map((a) => a.id));
  });

  it('a long silence ends a run at its last out-of-service snapshot', () => {
    const h = [...series('S1', '01', '2026-11-30T00:00:00Z', 60, [1, 1, 1]), obs('S1', '01', '2026-12-01T12:00:00Z', 2)];
    expect(findOutages(h, { minDurationMs: H, maxGapMs: 6 * H })).toMatchObject([{ since: '2026-11-30T00:00:00Z', until: null, duration_ms: 2 * H, ongoing: false }]);
  });
});

describe('utilisation and busiest stations', () => {
  it('is charging time over in-service time per local hour of week, out-of-service time left out', () => {
    // Monday 2026-11-30 09:00–11:00 in Seoul = 00:00–02:00 UTC; snapshots every 30 minutes.
    const h = [
      ...series('A', '01', '2026-11-30T00:00:00Z', 30, [3, 3, 2, 2]),
      ...series('A', '02', '2026-11-30T00:00:00Z', 30, [2, 4, 3, 3]),
    ];
    const u = stationUtilisation(h, { timezone: 'Asia/Seoul', maxHoldMs: 30 * 60_000 });
    expect(u.byHour).toEqual([
      // 09h: charger 01 charges 1 h; charger 02 available 0.5 h, stopped 0.5 h (left out).
      { station_id: 'A', hour_of_week: 1 * 24 + 9, utilisation: 1 / 1.5, charging_hours: 1, in_service_hours: 1.5 },
      { station_id: 'A', hour_of_week: 1 * 24 + 10, utilisation: 0.5, charging_hours: 1, in_service_hours: 2 },
    ]);
    expect(u.overall).toEqual([{ station_id: 'A', utilisation: 2 / 3.5, charging_hours: 2, in_service_hours: 3.5, peak_hour_of_week: 33, chargers: 2 }]);
  });

  it('splits time at local hour boundaries across a DST change', () => {
    // London, 2026-03-29: 01:00 GMT becomes 02:00 BST. One charging observation held 2 h from 00:30 UTC.
    const u = stationUtilisation([obs('L', '1', '2026-03-29T00:30:00Z', 3), obs('L', '1', '2026-03-29T02:30:00Z', 2)], { timezone: 'Europe/London', maxHoldMs: 2 * H });
    expect(u.byHour.filter((r) => r.charging_hours > 0).map((r) => [r.hour_of_week, r.charging_hours])).toEqual([
      [0, 0.5],
      [2, 1],
      [3, 0.5],
    ]);
  });

  it('ranks by charging hours, then utilisation', () => {
    const h = [
      ...series('BIG', '01', '2026-11-30T00:00:00Z', 60, [3, 3, 2, 2]),
      ...series('BIG', '02', '2026-11-30T00:00:00Z', 60, [3, 3, 2, 2]),
      ...series('SMALL', '01', '2026-11-30T00:00:00Z', 60, [3, 3, 3, 2]),
      ...series('IDLE', '01', '2026-11-30T00:00:00Z', 60, [2, 2, 2, 2]),
      ...series('DEAD', '01', '2026-11-30T00:00:00Z', 60, [4, 4, 4, 4]),
    ];
    const u = stationUtilisation(h, { timezone: 'Asia/Seoul' });
    expect(busiestStations(u.overall).map((s) => s.station_id)).toEqual(['BIG', 'SMALL', 'IDLE']);
    expect(busiestStations(u.overall, 1).map((s) => [s.station_id, s.charging_hours])).toEqual([['BIG', 4]]);
  });
});

describe('availability at commute hours', () => {
  it('counts snapshots with a charger free in weekday rush hours, local time', () => {
    // Tuesday 2026-12-01 in Seoul: 08:00 and 08:30 (morning), 18:00 (evening), and a Saturday 08:00 (ignored).
    const h = [
      obs('A', '01', '2026-11-30T23:00:00Z', 3),
      obs('A', '02', '2026-11-30T23:00:00Z', 2),
      obs('A', '01', '2026-11-30T23:30:00Z', 3),
      obs('A', '02', '2026-11-30T23:30:00Z', 3),
      obs('A', '01', '2026-12-01T09:00:00Z', 2),
      obs('A', '02', '2026-12-01T09:00:00Z', 2),
      obs('A', '01', '2026-12-04T23:00:00Z', 2),
    ];
    expect(commuteAvailability(h, { timezone: 'Asia/Seoul' })).toEqual([
      { station_id: 'A', window: 'morning', snapshots: 2, available_share: 0.5, mean_available: 0.5, chargers: 2 },
      { station_id: 'A', window: 'evening', snapshots: 1, available_share: 1, mean_available: 2, chargers: 2 },
    ]);
    const onlyFast = commuteAvailability(h, { timezone: 'Asia/Seoul', chargerFilter: (_s, c) => c === '01' });
    expect(onlyFast.map((r) => [r.window, r.available_share])).toEqual([
      ['morning', 0],
      ['evening', 1],
    ]);
  });
});

const CHARGERS: ChargerInfo[] = [
  { station_id: 'NEAR', charger_id: '01', output_kw: 100, connectors: ['CCS'] },
  { station_id: 'NEAR', charger_id: '02', output_kw: 7, connectors: ['AC'] },
  { station_id: 'MID', charger_id: '01', output_kw: 50, connectors: ['CHAdeMO', 'AC3', 'CCS'] },
  { station_id: 'FAR', charger_id: '01', output_kw: 200, connectors: ['CCS'] },
  { station_id: 'SLOW', charger_id: '01', output_kw: 7, connectors: ['AC'] },
  { station_id: 'SLOW', charger_id: '02', output_kw: null, connectors: ['CCS'] },
];

describe('fast chargers per station', () => {
  it('counts 50 kW and up per connector, unknown outputs apart', () => {
    expect(fastChargersPerStation(CHARGERS)).toEqual([
      { station_id: 'FAR', chargers: 1, fast: 1, unknown_output: 0, max_kw: 200, fast_by_connector: { CCS: 1 } },
      { station_id: 'MID', chargers: 1, fast: 1, unknown_output: 0, max_kw: 50, fast_by_connector: { CHAdeMO: 1, AC3: 1, CCS: 1 } },
      { station_id: 'NEAR', chargers: 2, fast: 1, unknown_output: 0, max_kw: 100, fast_by_connector: { CCS: 1 } },
      { station_id: 'SLOW', chargers: 2, fast: 0, unknown_output: 1, max_kw: 7, fast_by_connector: {} },
    ]);
  });
});

describe('recommendation: nearest stations with a fast charger available now', () => {
  // Along a meridian from Seoul City Hall: 1° of latitude is 111.195 km on the mean sphere.
  const at = { lat: 37.5663, lon: 126.9779 };
  const north = (km: number) => ({ lat: at.lat + km / 111.19508, lon: at.lon });
  const stations = [
    { station_id: 'NEAR', name: 'near', ...north(1) },
    { station_id: 'MID', name: 'mid', ...north(2) },
    { station_id: 'FAR', name: 'far', ...north(4) },
    { station_id: 'SLOW', name: 'slow', ...north(0.5) },
  ];
  const asOf = Date.parse('2026-12-01T09:00:00Z');
  const recent = (station: string, codes: number[]) => series(station, '01', '2026-12-01T07:00:00Z', 10, codes).filter((r) => Date.parse(r.observed_at) <= asOf);

  it('measures distance by haversine', () => {
    expect(haversineKm(at, north(1))).toBeCloseTo(1, 4);
    // Seoul City Hall → Busan City Hall, ~325 km as the crow flies.
    expect(haversineKm(at, { lat: 35.1798, lon: 129.075 })).toBeGreaterThan(320);
    expect(haversineKm(at, { lat: 35.1798, lon: 129.075 })).toBeLessThan(330);
  });

  it('ranks by distance plus a penalty for a station rarely free, skips stale and slow', () => {
    const history = [
      ...recent('NEAR', [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2]), // free now, busy for 2 h before (2 of 13 free)
      ...recent('MID', [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]), // always free
      ...recent('FAR', [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]),
      obs('SLOW', '01', '2026-12-01T09:00:00Z', 2),
      obs('SLOW', '02', '2026-12-01T09:00:00Z', 2),
    ];
    const r = recommendStations(stations, CHARGERS, history, { at, connector: 'CCS', asOf });
    expect(r.map((x) => x.station_id)).toEqual(['MID', 'NEAR', 'FAR']);
    expect(r[0]).toMatchObject({ available_now: 1, matching_chargers: 1, recent_availability: 1 });
    expect(r[0]!.score).toBeCloseTo(2, 3);
    expect(r[1]!.recent_availability).toBeCloseTo(2 / 13, 6);
    expect(r[1]!.score).toBeCloseTo(1 + 2 * (11 / 13), 3);
    // A big penalty-free ranking is just distance.
    expect(recommendStations(stations, CHARGERS, history, { at, connector: 'CCS', asOf, penaltyKm: 0 }).map((x) => x.station_id)).toEqual(['NEAR', 'MID', 'FAR']);
    // Only MID carries CHAdeMO; a 3 km radius drops FAR.
    expect(recommendStations(stations, CHARGERS, history, { at, connector: 'CHAdeMO', asOf }).map((x) => x.station_id)).toEqual(['MID']);
    expect(recommendStations(stations, CHARGERS, history, { at, connector: 'CCS', asOf, maxDistanceKm: 3 }).map((x) => x.station_id)).toEqual(['MID', 'NEAR']);
  });

  it('never recommends on a stale or busy latest status', () => {
    const history = [obs('NEAR', '01', '2026-12-01T08:00:00Z', 2), obs('MID', '01', '2026-12-01T08:55:00Z', 3)];
    expect(recommendStations(stations, CHARGERS, history, { at, connector: 'CCS', asOf })).toEqual([]);
    expect(() => recommendStations(stations, CHARGERS, history, { at: { lat: 120, lon: 0 }, connector: 'CCS', asOf })).toThrow(/not a latitude\/longitude/);
    expect(() => recommendStations(stations, CHARGERS, history, { at, connector: 'ccs', asOf })).toThrow(/No charger has connector "ccs" \(known: AC, AC3, CCS, CHAdeMO\)/);
  });
});
