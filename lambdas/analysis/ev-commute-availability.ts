/**
 * Where can I charge at commute hours? Per station and commute window (weekday mornings and
 * evenings, local time), the share of snapshots in which at least one charger was available (2),
 * and the mean number available. A snapshot is one observed instant of the station's chargers.
 */
import { localSlot } from './local-time';
import type { StatusObservation } from './ev-status-history';

export interface CommuteWindow {
  name: string;
  /** Local weekdays, 0 = Sunday. */
  weekdays: readonly number[];
  /** Local hour the window opens (inclusive) and closes (exclusive), may be fractional. */
  fromHour: number;
  toHour: number;
}

/** Seoul's rush hours (weekdays 07–10 and 17–20), the seed's commute question. */
export const DEFAULT_COMMUTE_WINDOWS: readonly CommuteWindow[] = [
  { name: 'morning', weekdays: [1, 2, 3, 4, 5], fromHour: 7, toHour: 10 },
  { name: 'evening', weekdays: [1, 2, 3, 4, 5], fromHour: 17, toHour: 20 },
];

export interface CommuteAvailability {
  station_id: string;
  window: string;
  /** Snapshots in the window. */
  snapshots: number;
  /** Share of them with at least one charger available, 0…1. */
  available_share: number;
  mean_available: number;
  /** Chargers the station reported in those snapshots (the most seen at once). */
  chargers: number;
}

export interface CommuteOptions {
  timezone: string;
  windows?: readonly CommuteWindow[];
  /** Only these chargers count (e.g. fast ones), keyed `station_id/charger_id`. Default all. */
  chargerFilter?: (stationId: string, chargerId: string) => boolean;
}

export function commuteAvailability(history: readonly StatusObservation[], options: CommuteOptions): CommuteAvailability[] {
  const windows = options.windows ?? DEFAULT_COMMUTE_WINDOWS;
  // station → window → instant → [available, chargers]
  const acc = new Map<string, Map<string, Map<number, [number, number]>>>();
  for (const row of history) {
    if (options.chargerFilter && !options.chargerFilter(row.station_id, row.charger_id)) continue;
    const t = Date.parse(row.observed_at);
    const slot = localSlot(t, options.timezone);
    const hour = slot.hour + slot.minute / 60;
    for (const w of windows) {
      if (!w.weekdays.includes(slot.weekday) || hour < w.fromHour || hour >= w.toHour) continue;
      let s = acc.get(row.station_id);
      if (!s) acc.set(row.station_id, (s = new Map()));
      let inst = s.get(w.name);
      if (!inst) s.set(w.name, (inst = new Map()));
      const cell = inst.get(t) ?? [0, 0];
      cell[0] += row.status_code === 2 ? 1 : 0;
      cell[1] += 1;
      inst.set(t, cell);
    }
  }
  const out: CommuteAvailability[] = [];
  for (const [station_id, s] of [...acc].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    for (const w of windows) {
      const inst = s.get(w.name);
      if (!inst) continue;
      const cells = [...inst.values()];
      out.push({
        station_id,
        window: w.name,
        snapshots: cells.length,
        available_share: cells.filter(([a]) => a > 0).length / cells.length,
        mean_available: cells.reduce((sum, [a]) => sum + a, 0) / cells.length,
        chargers: Math.max(...cells.map(([, n]) => n)),
      });
    }
  }
  return out;
}
