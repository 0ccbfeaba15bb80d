/**
 * The EV simulator: deterministic by seed and independent of the requested range, stations in and
 * around Seoul, the commute and weekly patterns visible in the utilisation it produces, and failures
 * that really show in the statuses they are labelled on.
 */
import { describe, expect, it } from 'vitest';
import { stationUtilisation } from '../../lambdas/analysis/ev-utilisation';
import { chargerTypeLabel } from '../../lambdas/sources/ev-chargers/charger-types';
import { simulateHistory } from '../../lambdas/sources/ev-chargers/sim-history';
import { KIND_LABEL, simulatedFleet } from '../../lambdas/sources/ev-chargers/sim-stations';
import { simulatedDay } from '../../lambdas/sources/ev-chargers/simulated-day';

const fleet = simulatedFleet(7);

describe('simulated fleet', () => {
  it('is the same for the same seed and another for another seed', () => {
    expect(simulatedFleet(7)).toEqual(fleet);
    expect(simulatedFleet(8).stations.map((s) => s.lat)).not.toEqual(fleet.stations.map((s) => s.lat));
  });

  it('places stations in and around Seoul with the real charger mix', () => {
    expect(fleet.stations).toHaveLength(40);
    for (const s of fleet.stations) {
      expect(s.lat).toBeGreaterThan(37.35);
      expect(s.lat).toBeLessThan(37.7);
      expect(s.lon).toBeGreaterThan(126.85);
      expect(s.lon).toBeLessThan(127.15);
    }
    const keys = fleet.chargers.map((c) => `${c.station_id}/${c.charger_id}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const c of fleet.chargers) expect(chargerTypeLabel(c.charger_type)).not.toBeNull();
    const fast = fleet.chargers.filter((c) => (c.output_kw ?? 0) >= 50);
    expect(fast.length).toBeGreaterThan(10);
    expect(fast.every((c) => ['01', '04', '05', '06'].includes(c.charger_type))).toBe(true);
    // Mostly slow AC, as in Seoul.
    expect(fleet.chargers.filter((c) => c.charger_type === '02').length / fleet.chargers.length).toBeGreaterThan(0.5);
  });
});

describe('simulated status history', () => {
  const week = simulateHistory({ seed: 7, fleet, from: '2026-11-01T15:00:00Z', to: '2026-11-15T15:00:00Z' });

  it('is deterministic and does not depend on the range asked for', () => {
    const later = simulateHistory({ seed: 7, fleet, from: '2026-11-08T15:00:00Z', to: '2026-11-10T15:00:00Z' });
    const same = week.statuses.filter((s) => s.observed_at >= '2026-11-08T15:00:00Z' && s.observed_at < '2026-11-10T15:00:00Z');
    expect(later.statuses).toEqual(same);
    expect(later.statuses.length).toBe(fleet.chargers.length * 2 * 96);
  });

  it('one local day for a run: midnight to midnight in Seoul, the same rows as inside the fortnight', () => {
    const day = simulatedDay(7, '2026-11-09');
    expect(day.statuses[0]!.observed_at).toBe('2026-11-08T15:00:00Z');
    expect(day.statuses).toHaveLength(fleet.chargers.length * 96);
    expect(day.statuses).toEqual(week.statuses.filter((s) => s.observed_at >= '2026-11-08T15:00:00Z' && s.observed_at < '2026-11-09T15:00:00Z'));
    expect(day.stations).toEqual(fleet.stations);
    expect(day.chargers[0]).not.toHaveProperty('kind');
  });

  it('writes consistent rows: charging_since only while charging, sessions in order', () => {
    // One assertion over all rows (an expect per row would take longer than the simulation).
    const inconsistent = week.statuses.filter(
      (s) =>
        (s.charging_since !== null) !== (s.status_code === 3) ||
        (s.charging_since !== null && s.charging_since > s.observed_at) ||
        (s.last_charge_start !== null && (s.last_charge_end === null || s.last_charge_end < s.last_charge_start || s.last_charge_end > s.observed_at)),
    );
    expect(inconsistent).toEqual([]);
    const codes = new Set(week.statuses.map((s) => s.status_code));
    expect([...codes].sort()).toEqual([1, 2, 3, 4, 5, 9]);
  });

  it('charges in daily and weekly patterns: offices at the morning commute on weekdays, apartments in the evening', () => {
    const u = stationUtilisation(week.statuses, { timezone: 'Asia/Seoul' });
    const kindOf = new Map(fleet.stations.map((s) => [s.station_id, s.kind]));
    const mean = (kind: string, hours: number[]) => {
      const rows = u.byHour.filter((r) => kindOf.get(r.station_id) === kind && hours.includes(r.hour_of_week));
      return rows.reduce((a, r) => a + r.charging_hours, 0) / rows.reduce((a, r) => a + r.in_service_hours, 0);
    };
    const weekdays = [1, 2, 3, 4, 5];
    const at = (days: number[], hours: number[]) => days.flatMap((d) => hours.map((h) => d * 24 + h));
    const officeMorning = mean(KIND_LABEL.office, at(weekdays, [10, 11]));
    expect(officeMorning).toBeGreaterThan(0.3);
    expect(officeMorning).toBeGreaterThan(3 * mean(KIND_LABEL.office, at(weekdays, [2, 3])));
    expect(officeMorning).toBeGreaterThan(3 * mean(KIND_LABEL.office, at([0, 6], [10, 11])));
    expect(mean(KIND_LABEL.apartment, at(weekdays, [22, 23]))).toBeGreaterThan(2 * mean(KIND_LABEL.apartment, at(weekdays, [15, 16])));
  });

  it('labels failures that show in the statuses: the labelled code while it lasts, back in service after', () => {
    const outages = week.labels.filter((l) => l.kind === 'outage');
    const blips = week.labels.filter((l) => l.kind === 'blip');
    expect(outages.length).toBeGreaterThan(5);
    expect(blips.length).toBeGreaterThan(outages.length);
    const byCharger = new Map<string, typeof week.statuses>();
    for (const s of week.statuses) {
      const k = `${s.station_id}/${s.charger_id}`;
      let rows = byCharger.get(k);
      if (!rows) byCharger.set(k, (rows = []));
      rows.push(s);
    }
    for (const l of outages) {
      const rows = byCharger.get(`${l.station_id}/${l.charger_id}`)!;
      const inside = rows.filter((s) => s.observed_at >= l.start && s.observed_at < l.end);
      expect(inside.length).toBeGreaterThan(0);
      expect(inside.every((s) => s.status_code === l.status_code || l.kind !== 'outage')).toBe(true);
      const after = rows.find((s) => s.observed_at >= l.end);
      if (after && !week.labels.some((o) => o !== l && o.charger_id === l.charger_id && o.station_id === l.station_id && o.start <= after.observed_at && after.observed_at < o.end)) {
        expect([2, 3]).toContain(after.status_code);
      }
      expect(Date.parse(l.end) - Date.parse(l.start)).toBeGreaterThanOrEqual(4 * 3_600_000);
    }
    for (const b of blips) expect(Date.parse(b.end) - Date.parse(b.start)).toBeLessThanOrEqual(40 * 60_000);
  });
});
