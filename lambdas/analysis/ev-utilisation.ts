/**
 * Utilisation of charging stations: the share of in-service charger time spent charging, per
 * station and local hour of week, and overall (busiest stations). In-service means available (2)
 * or charging (3); time out of service or unknown is left out, so a broken charger does not make a
 * station look idle. Time is split exactly at local hour boundaries (any IANA zone, DST included).
 */
import { utcOffsetMs } from './local-time';
import { chargerTimelines, spansOf, type StatusObservation } from './ev-status-history';

const HOUR = 3_600_000;

export interface UtilisationOptions {
  timezone: string;
  /** An observation stands for at most this long. Default 1 hour. */
  maxHoldMs?: number;
}

export interface StationHourUtilisation {
  station_id: string;
  /** weekday × 24 + local hour; weekday 0 = Sunday (as SQL EXTRACT(DOW)). */
  hour_of_week: number;
  /** Charging ÷ in-service charger-hours, 0…1. */
  utilisation: number;
  charging_hours: number;
  in_service_hours: number;
}

export interface StationUtilisation {
  station_id: string;
  utilisation: number;
  charging_hours: number;
  in_service_hours: number;
  /** The hour of week with the highest utilisation (ties: the earliest), null without data. */
  peak_hour_of_week: number | null;
  chargers: number;
}

export interface Utilisation {
  byHour: StationHourUtilisation[];
  overall: StationUtilisation[];
}

export function stationUtilisation(history: readonly StatusObservation[], options: UtilisationOptions): Utilisation {
  const maxHold = options.maxHoldMs ?? HOUR;
  // station → hour of week → [charging ms, in-service ms]
  const acc = new Map<string, Float64Array>();
  const chargers = new Map<string, number>();
  for (const tl of chargerTimelines(history)) {
    chargers.set(tl.station_id, (chargers.get(tl.station_id) ?? 0) + 1);
    let a = acc.get(tl.station_id);
    if (!a) acc.set(tl.station_id, (a = new Float64Array(168 * 2)));
    for (const span of spansOf(tl, maxHold)) {
      if (span.code !== 2 && span.code !== 3) continue;
      forEachLocalHour(span.start, span.end, options.timezone, (how, ms) => {
        a![how * 2 + 1] += ms;
        if (span.code === 3) a![how * 2] += ms;
      });
    }
  }
  const byHour: StationHourUtilisation[] = [];
  const overall: StationUtilisation[] = [];
  for (const [station_id, a] of [...acc].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    let charging = 0;
    let inService = 0;
    let peak: number | null = null;
    let peakValue = -1;
    for (let h = 0; h < 168; h++) {
      const c = a[h * 2]!;
      const s = a[h * 2 + 1]!;
      if (s <= 0) continue;
      charging += c;
      inService += s;
      const u = c / s;
      byHour.push({ station_id, hour_of_week: h, utilisation: u, charging_hours: c / HOUR, in_service_hours: s / HOUR });
      if (u > peakValue) (peakValue = u), (peak = h);
    }
    overall.push({
      station_id,
      utilisation: inService > 0 ? charging / inService : 0,
      charging_hours: charging / HOUR,
      in_service_hours: inService / HOUR,
      peak_hour_of_week: peak,
      chargers: chargers.get(station_id) ?? 0,
    });
  }
  return { byHour, overall };
}

/**
 * The busiest stations: most charging time first (the seed's question is where demand is, so a
 * 10-charger hub beats a single charger that is always busy), utilisation to break ties.
 */
export function busiestStations(overall: readonly StationUtilisation[], limit = 10): StationUtilisation[] {
  return [...overall]
    .filter((s) => s.in_service_hours > 0)
    .sort((a, b) => b.charging_hours - a.charging_hours || b.utilisation - a.utilisation || (a.station_id < b.station_id ? -1 : 1))
    .slice(0, limit);
}

/** Calls `fn(hourOfWeek, ms)` for each piece of [start, end) within one local hour. */
export function forEachLocalHour(start: number, end: number, timezone: string, fn: (hourOfWeek: number, ms: number) => void): void {
  let t = start;
  while (t < end) {
    const offset = utcOffsetMs(t, timezone);
    const local = t + offset;
    const hourStart = Math.floor(local / HOUR) * HOUR;
    const next = Math.min(end, hourStart + HOUR - offset);
    const d = new Date(hourStart);
    fn(d.getUTCDay() * 24 + d.getUTCHours(), next - t);
    t = next;
  }
}
