/**
 * Broken chargers: out of service — communication error (1), stopped (4) or inspecting (5) — for
 * longer than a configurable time, with since when.
 *
 * An outage run starts at the first out-of-service observation and lasts until the first
 * observation of available (2) or charging (3). Unknown status (9) neither starts nor ends a run:
 * "status unknown" is no proof of repair. A silence longer than `maxGapMs` inside a run ends it at
 * its last out-of-service observation: what happened in the gap is not known.
 * A short communication blip (minutes) is not a broken charger: only runs of at least
 * `minDurationMs` count.
 */
import { chargerTimelines, type StatusObservation } from './ev-status-history';

const OUT_OF_SERVICE = new Set([1, 4, 5]);
const IN_SERVICE = new Set([2, 3]);

export interface OutageOptions {
  /** Shortest run that counts. Default 2 hours. */
  minDurationMs?: number;
  /** A silence longer than this ends a run. Default 6 hours. */
  maxGapMs?: number;
  /** "Now", UTC ms: an open run lasts until then. Default: the latest observation in the history. */
  asOf?: number;
}

export interface Outage {
  station_id: string;
  charger_id: string;
  /** UTC ISO of the first out-of-service observation. */
  since: string;
  /** UTC ISO of the first in-service observation after, or null while still out of service. */
  until: string | null;
  /** UTC ISO of the last out-of-service observation. */
  last_seen_out: string;
  duration_ms: number;
  /** Out-of-service codes seen during the run, ascending. */
  codes: number[];
  /** Still out of service at `asOf` (its last known status is 1, 4, 5 or 9 after them). */
  ongoing: boolean;
}

/** Every out-of-service run of at least `minDurationMs`, finished or ongoing. */
export function findOutages(history: readonly StatusObservation[], options: OutageOptions = {}): Outage[] {
  const minDuration = options.minDurationMs ?? 2 * 3_600_000;
  const maxGap = options.maxGapMs ?? 6 * 3_600_000;
  const timelines = chargerTimelines(history);
  const asOf = options.asOf ?? Math.max(-Infinity, ...timelines.map((t) => t.times[t.times.length - 1]!));
  const out: Outage[] = [];
  for (const tl of timelines) {
    let start: number | null = null;
    let lastOut = 0;
    let lastSeen = 0;
    let codes = new Set<number>();
    const close = (until: number | null, end: number) => {
      const duration = end - start!;
      if (duration >= minDuration) {
        out.push({
          station_id: tl.station_id,
          charger_id: tl.charger_id,
          since: iso(start!),
          until: until === null ? null : iso(until),
          last_seen_out: iso(lastOut),
          duration_ms: duration,
          codes: [...codes].sort((a, b) => a - b),
          ongoing: until === null && end === asOf,
        });
      }
      start = null;
      codes = new Set();
    };
    for (let i = 0; i < tl.times.length; i++) {
      const t = tl.times[i]!;
      const code = tl.codes[i]!;
      if (t > asOf) break;
      if (start !== null && t - lastSeen > maxGap) close(null, lastOut);
      if (OUT_OF_SERVICE.has(code)) {
        if (start === null) start = t;
        codes.add(code);
        lastOut = t;
      } else if (IN_SERVICE.has(code) && start !== null) close(t, t);
      lastSeen = t;
    }
    if (start !== null) {
      // Open at the end of the data: ongoing if the data reaches asOf closely enough, else it fell silent.
      if (asOf - lastSeen <= maxGap) close(null, asOf);
      else close(null, lastOut);
    }
  }
  return out;
}

/** Chargers broken now: ongoing runs of at least `minDurationMs`, longest first. */
export function brokenChargers(history: readonly StatusObservation[], options: OutageOptions = {}): Outage[] {
  return findOutages(history, options)
    .filter((o) => o.ongoing)
    .sort((a, b) => b.duration_ms - a.duration_ms || (a.station_id < b.station_id ? -1 : a.station_id > b.station_id ? 1 : a.charger_id < b.charger_id ? -1 : 1));
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

/** The key of a charger in the maps below: station and charger id, joined by a unit separator. */
export const chargerKey = (stationId: string, chargerId: string) => `${stationId}\u001f${chargerId}`;

/**
 * Chargers broken now when the history is a window of a longer one: `carryIn` gives, per charger
 * (chargerKey) already out of service when the window opens, the instant that outage began (the
 * caller finds it before the window). An ongoing run that starts at the charger's first observation
 * in the window and has a carry-in is dated from the carry-in, so "since" (and an alert's id) stays
 * put as the window moves. Then as brokenChargers: ongoing and at least `minDurationMs`.
 */
export function brokenChargersSince(history: readonly StatusObservation[], carryIn: ReadonlyMap<string, number>, options: OutageOptions = {}): Outage[] {
  const minDuration = options.minDurationMs ?? 2 * 3_600_000;
  const first = new Map<string, number>();
  for (const tl of chargerTimelines(history)) if (tl.times.length) first.set(chargerKey(tl.station_id, tl.charger_id), tl.times[0]!);
  const ongoing = findOutages(history, { ...options, minDurationMs: 0 }).filter((o) => o.ongoing);
  const out: Outage[] = [];
  for (const o of ongoing) {
    const key = chargerKey(o.station_id, o.charger_id);
    const start = Date.parse(o.since);
    const earlier = carryIn.get(key);
    const dated = earlier !== undefined && earlier < start && first.get(key) === start ? { ...o, since: iso(earlier), duration_ms: o.duration_ms + (start - earlier) } : o;
    if (dated.duration_ms >= minDuration) out.push(dated);
  }
  return out.sort((a, b) => b.duration_ms - a.duration_ms || (a.station_id < b.station_id ? -1 : a.station_id > b.station_id ? 1 : a.charger_id < b.charger_id ? -1 : 1));
}
