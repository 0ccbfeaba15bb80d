/**
 * A status history for simulated chargers (sim-stations.ts): every `stepMinutes` a snapshot of each
 * charger — charging (3) in the daily and weekly patterns of sim-usage.ts, available (2), or out of
 * service while a failure lasts — with the failures LABELLED so analysis can be scored.
 *
 * Failures: outages (status 1, 4 or 5 for 4 hours to 3 days, then recovery to available) and blips
 * (a communication error or unknown status for 10–40 minutes, which no "broken charger" rule should
 * flag). A failure ends a session in progress.
 *
 * Deterministic by seed and independent of the requested range: random draws are keyed by
 * (seed, charger, UTC day) and drawn the same way whatever the state, and each call starts its
 * simulation two days early, where any earlier start has already converged (a charger is idle at
 * some point every day, and from then on the same draws give the same sessions).
 */
import { seeded, type Random } from '../random';
import { isoSeconds, KOREA_TIMEZONE, wallClockOf } from './korea-time';
import type { ChargerStatusRow } from './rows';
import type { SimulatedCharger, SimulatedFleet } from './sim-stations';
import { arrivalsPerHour, sessionMinutes } from './sim-usage';
import { CODE_TO_LABEL, type StatusCode } from './status-codes';

export interface FailureLabel {
  station_id: string;
  charger_id: string;
  status_code: StatusCode;
  /** UTC ISO. */
  start: string;
  end: string;
  kind: 'outage' | 'blip';
}

export interface HistoryOptions {
  seed: number;
  fleet: SimulatedFleet;
  /** UTC ISO instants; snapshots at from, from + step, … before `to`. */
  from: string;
  to: string;
  /** Default 15. */
  stepMinutes?: number;
  /** Default Asia/Seoul. */
  timezone?: string;
  /** Outages per charger per day. Default 0.01. */
  outageRate?: number;
  /** Blips per charger per day. Default 0.08. */
  blipRate?: number;
}

export interface SimulatedHistory {
  statuses: ChargerStatusRow[];
  /** Failures that overlap [from, to). */
  labels: FailureLabel[];
}

const MIN = 60_000;
const DAY = 86_400_000;
const SLOT = 5 * MIN;
const WARM_UP_DAYS = 2;
/** The longest outage (3 days) plus a margin: failures starting earlier cannot reach the range. */
const FAILURE_LOOKBACK_DAYS = 4;

export class EvSimulatorInputError extends Error {
  override readonly name = 'EvSimulatorInputError';
}

export function simulateHistory(options: HistoryOptions): SimulatedHistory {
  const from = Date.parse(options.from);
  const to = Date.parse(options.to);
  const step = (options.stepMinutes ?? 15) * MIN;
  if (Number.isNaN(from) || Number.isNaN(to) || to <= from) throw new EvSimulatorInputError(`simulateHistory needs ISO instants with from < to (got ${options.from} .. ${options.to}).`);
  if (!(step >= SLOT) || step % SLOT !== 0) throw new EvSimulatorInputError(`stepMinutes must be a multiple of 5 (got ${options.stepMinutes}).`);
  const timezone = options.timezone ?? KOREA_TIMEZONE;
  const popularity = new Map(options.fleet.stations.map((s) => [s.station_id, seeded(options.seed, 'ev-popularity', s.station_id).uniform(0.5, 1.5)]));
  const statuses: ChargerStatusRow[] = [];
  const labels: FailureLabel[] = [];
  for (const charger of options.fleet.chargers) {
    const failures = failuresOf(charger, options, from, to);
    labels.push(...failures.filter((f) => Date.parse(f.start) < to && Date.parse(f.end) > from));
    statuses.push(...chargerTimeline(charger, failures, popularity.get(charger.station_id) ?? 1, from, to, step, timezone, options.seed));
  }
  return { statuses, labels };
}

function chargerTimeline(c: SimulatedCharger, failures: FailureLabel[], popularity: number, from: number, to: number, step: number, timezone: string, seed: number): ChargerStatusRow[] {
  const fast = (c.output_kw ?? 0) >= 50;
  const spans = failures.map((f) => ({ start: Date.parse(f.start), end: Date.parse(f.end), code: f.status_code }));
  const failureAt = (t: number) => spans.find((f) => f.start <= t && t < f.end);
  const out: ChargerStatusRow[] = [];
  let sessionStart: number | null = null;
  let sessionEnd = 0;
  let lastStart: number | null = null;
  let lastEnd: number | null = null;
  let day = -1;
  let random: Random | null = null;
  let nextSnapshot = from;
  const begin = Math.floor(from / DAY) * DAY - WARM_UP_DAYS * DAY;
  for (let t = begin; t < to; t += SLOT) {
    const d = Math.floor(t / DAY);
    if (d !== day) {
      day = d;
      random = seeded(seed, 'ev-use', c.station_id, c.charger_id, d);
    }
    // Two draws every slot, used or not: the stream stays aligned whatever the state.
    const uArrive = random!.next();
    const uLength = random!.next();
    const failure = failureAt(t);
    if (sessionStart !== null && (t >= sessionEnd || failure)) {
      lastStart = sessionStart;
      lastEnd = Math.min(sessionEnd, t);
      sessionStart = null;
    }
    if (sessionStart === null && !failure) {
      const wall = wallClockOf(t, timezone);
      const hour = (wall % DAY) / 3_600_000;
      const weekday = new Date(wall).getUTCDay();
      const p = arrivalsPerHour(c.kind, fast, hour, weekday) * popularity * (SLOT / 3_600_000);
      if (uArrive < p) {
        sessionStart = t;
        sessionEnd = t + Math.round(sessionMinutes(c.kind, fast, hour, uLength)) * MIN;
      }
    }
    if (t === nextSnapshot) {
      const code: StatusCode = failure ? failure.code : sessionStart !== null ? 3 : 2;
      out.push({
        station_id: c.station_id,
        charger_id: c.charger_id,
        observed_at: isoSeconds(t),
        status_code: code,
        status_label: CODE_TO_LABEL[code],
        last_charge_start: lastStart === null ? null : isoSeconds(lastStart),
        last_charge_end: lastEnd === null ? null : isoSeconds(lastEnd),
        charging_since: code === 3 ? isoSeconds(sessionStart!) : null,
      });
      nextSnapshot += step;
    }
  }
  return out;
}

/** The charger's failures that may touch [from, to), overlapping ones merged, blips inside outages dropped. */
function failuresOf(c: SimulatedCharger, o: HistoryOptions, from: number, to: number): FailureLabel[] {
  const outageRate = o.outageRate ?? 0.01;
  const blipRate = o.blipRate ?? 0.08;
  const outages: { start: number; end: number; code: StatusCode }[] = [];
  const blips: { start: number; end: number; code: StatusCode }[] = [];
  for (let d = Math.floor(from / DAY) - FAILURE_LOOKBACK_DAYS; d * DAY < to; d++) {
    const r = seeded(o.seed, 'ev-fail', c.station_id, c.charger_id, d);
    // Fixed draws per day, whether or not a failure happens, so rates can change without reshuffling.
    const [pO, tO, lO, cO, pB, tB, lB, cB] = [r.next(), r.next(), r.next(), r.next(), r.next(), r.next(), r.next(), r.next()];
    if (pO < outageRate) {
      const start = d * DAY + Math.floor((tO * DAY) / SLOT) * SLOT;
      // 4 hours to 3 days, log-uniform: most outages are fixed within a day, some wait for a technician.
      const hours = 4 * Math.exp(lO * Math.log(18));
      outages.push({ start, end: start + Math.round((hours * 60) / 5) * SLOT, code: ([1, 4, 4, 5] as const)[Math.floor(cO * 4)]! });
    }
    if (pB < blipRate) {
      const start = d * DAY + Math.floor((tB * DAY) / SLOT) * SLOT;
      blips.push({ start, end: start + (2 + Math.floor(lB * 7)) * SLOT, code: cB < 0.7 ? 1 : 9 });
    }
  }
  outages.sort((a, b) => a.start - b.start);
  const merged: typeof outages = [];
  for (const f of outages) {
    const last = merged[merged.length - 1];
    if (last && f.start <= last.end) last.end = Math.max(last.end, f.end);
    else merged.push({ ...f });
  }
  const label = (f: { start: number; end: number; code: StatusCode }, kind: FailureLabel['kind']): FailureLabel => ({
    station_id: c.station_id,
    charger_id: c.charger_id,
    status_code: f.code,
    start: isoSeconds(f.start),
    end: isoSeconds(f.end),
    kind,
  });
  const freeBlips = blips.filter((b) => !merged.some((m) => b.start < m.end && m.start < b.end));
  return [...merged.map((m) => label(m, 'outage')), ...freeBlips.map((b) => label(b, 'blip'))].sort((a, b) => (a.start < b.start ? -1 : 1));
}
