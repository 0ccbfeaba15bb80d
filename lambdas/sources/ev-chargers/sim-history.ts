/**
 * A status history for simulated chargers (sim-stations.ts): every `stepMinutes` a snapshot of each
 * charger — charging (3) in the daily and weekly patterns of sim-usage.ts, available (2), or out of
 * service while a failure lasts — with the failures LABELLED so analysis can be scored.
 *
 * Failures: outages (status 1, 4 or 5 for 4 hours to 3 days, then recovery to available) and blips
 * (a communication error or unknown status for 10–40 minutes, which no "broken charger" rule should
 * flag). A failure ends a session in progress and blocks new ones.
 *
 * Deterministic by seed, and exact whatever range is asked for: every session ends by 05:00 local
 * (the car is full; overnight charging at apartments ends then), so each simulated day — 05:00 to
 * 05:00 — starts with a free charger and depends only on (seed, charger, day) and the failures, which
 * are drawn per (seed, charger, day) too. A day run on its own equals the same day inside a month.
 */
import { seeded } from '../random';
import { isoSeconds, KOREA_TIMEZONE, koreaTimeToUtc, wallClockOf } from './korea-time';
import type { ChargerStatusRow } from './rows';
import type { SimulatedCharger, SimulatedFleet } from './sim-stations';
import { arrivalTable, sessionMinutes } from './sim-usage';
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
  /** UTC ISO instants on a 5-minute grid; snapshots at from, from + step, … before `to`. */
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
/** Local hour at which every session has ended: the regeneration point of the simulation. */
const DAY_START_HOUR = 5;
/** The longest outage (3 days) plus a margin: failures starting earlier cannot reach the range. */
const FAILURE_LOOKBACK_DAYS = 4;
/** How far back from a snapshot its last completed session is known; older is reported as null. */
const LAST_SESSION_LOOKBACK_DAYS = 3;

export class EvSimulatorInputError extends Error {
  override readonly name = 'EvSimulatorInputError';
}

interface Span {
  start: number;
  end: number;
  code: StatusCode;
}

interface SessionSpan {
  start: number;
  end: number;
}

export function simulateHistory(options: HistoryOptions): SimulatedHistory {
  const from = Date.parse(options.from);
  const to = Date.parse(options.to);
  const step = (options.stepMinutes ?? 15) * MIN;
  if (Number.isNaN(from) || Number.isNaN(to) || to <= from) throw new EvSimulatorInputError(`simulateHistory needs ISO instants with from < to (got ${options.from} .. ${options.to}).`);
  if (from % SLOT !== 0) throw new EvSimulatorInputError(`from ${options.from} must be on a 5-minute grid (e.g. ${isoSeconds(from - (from % SLOT))}).`);
  if (!(step >= SLOT) || step % SLOT !== 0) throw new EvSimulatorInputError(`stepMinutes must be a positive multiple of 5 (got ${options.stepMinutes}).`);
  const timezone = options.timezone ?? KOREA_TIMEZONE;
  const popularity = new Map(options.fleet.stations.map((s) => [s.station_id, seeded(options.seed, 'ev-popularity', s.station_id).uniform(0.5, 1.5)]));
  const statuses: ChargerStatusRow[] = [];
  const labels: FailureLabel[] = [];
  const days = simulationDays(from - LAST_SESSION_LOOKBACK_DAYS * DAY, to, timezone);
  // Every charger shares the snapshot instants and many session times: format each instant once.
  const formatted = new Map<number, string>();
  const iso = (ms: number) => formatted.get(ms) ?? formatted.set(ms, isoSeconds(ms)).get(ms)!;
  for (const charger of options.fleet.chargers) {
    const failures = failuresOf(charger, options, days[0]!.start, to);
    labels.push(...failures.filter((f) => Date.parse(f.start) < to && Date.parse(f.end) > from));
    const spans: Span[] = failures.map((f) => ({ start: Date.parse(f.start), end: Date.parse(f.end), code: f.status_code }));
    const sessions: SessionSpan[] = [];
    for (const day of days) sessions.push(...daySessions(charger, day, spans, popularity.get(charger.station_id) ?? 1, timezone, options.seed));
    statuses.push(...snapshots(charger, sessions, spans, from, to, step, iso));
  }
  return { statuses, labels };
}

interface SimDay {
  /** UTC ms of 05:00 local on `date`, and of 05:00 the next local day. */
  start: number;
  end: number;
  date: string;
}

/** The simulation days (05:00 local to 05:00 local) covering [from, to). */
function simulationDays(from: number, to: number, timezone: string): SimDay[] {
  const dayStart = (date: string) => Date.parse(koreaTimeToUtc(`${date} 0${DAY_START_HOUR}:00`, timezone)!);
  const localDate = (ms: number) => new Date(wallClockOf(ms, timezone)).toISOString().slice(0, 10);
  const next = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
  let date = localDate(from);
  if (dayStart(date) > from) date = new Date(Date.parse(`${date}T00:00:00Z`) - DAY).toISOString().slice(0, 10);
  const days: SimDay[] = [];
  while (dayStart(date) < to) {
    days.push({ start: dayStart(date), end: dayStart(next(date)), date });
    date = next(date);
  }
  return days;
}

/** One day's sessions of one charger: starts free at 05:00, every session ends by the next 05:00. */
function daySessions(c: SimulatedCharger, day: SimDay, failures: readonly Span[], popularity: number, timezone: string, seed: number): SessionSpan[] {
  const fast = (c.output_kw ?? 0) >= 50;
  const random = seeded(seed, 'ev-use', c.station_id, c.charger_id, day.date);
  const failureAt = (t: number) => failures.some((f) => f.start <= t && t < f.end);
  const rates = arrivalTable(c.kind, fast);
  const perSlot = popularity * (SLOT / 3_600_000);
  const out: SessionSpan[] = [];
  let busyUntil = day.start;
  let current: SessionSpan | null = null;
  for (let t = day.start; t < day.end; t += SLOT) {
    // Two draws every slot, used or not: the stream does not depend on the state.
    const uArrive = random.next();
    const uLength = random.next();
    const failed = failureAt(t);
    if (current && (t >= busyUntil || failed)) {
      current.end = Math.min(busyUntil, t);
      out.push(current);
      current = null;
    }
    if (current || failed) continue;
    const wall = wallClockOf(t, timezone);
    const slotOfDay = Math.floor((wall - Math.floor(wall / DAY) * DAY) / SLOT);
    // 1970-01-01 was a Thursday (weekday 4).
    const weekday = (Math.floor(wall / DAY) + 4) % 7;
    if (uArrive < rates[weekday * 288 + slotOfDay]! * perSlot) {
      const hour = (slotOfDay * 5) / 60;
      current = { start: t, end: 0 };
      busyUntil = Math.min(day.end, t + Math.round(sessionMinutes(c.kind, fast, hour, uLength)) * MIN);
    }
  }
  if (current) out.push({ start: current.start, end: busyUntil });
  return out;
}

function snapshots(
  c: SimulatedCharger,
  sessions: readonly SessionSpan[],
  failures: readonly Span[],
  from: number,
  to: number,
  step: number,
  iso: (ms: number) => string,
): ChargerStatusRow[] {
  const out: ChargerStatusRow[] = [];
  let i = 0; // sessions[0..i) started at or before t
  for (let t = from; t < to; t += step) {
    while (i < sessions.length && sessions[i]!.start <= t) i++;
    const failure = failures.find((f) => f.start <= t && t < f.end);
    const open = i > 0 && sessions[i - 1]!.end > t ? sessions[i - 1]! : null;
    const previous = open ? (i > 1 ? sessions[i - 2]! : null) : i > 0 ? sessions[i - 1]! : null;
    // Only as far back as every call simulates, so the row does not depend on the range asked for.
    const last = previous && t - previous.start <= LAST_SESSION_LOOKBACK_DAYS * DAY ? previous : null;
    const code: StatusCode = failure ? failure.code : open ? 3 : 2;
    out.push({
      station_id: c.station_id,
      charger_id: c.charger_id,
      observed_at: iso(t),
      status_code: code,
      status_label: CODE_TO_LABEL[code],
      last_charge_start: last ? iso(last.start) : null,
      last_charge_end: last ? iso(last.end) : null,
      charging_since: code === 3 ? iso(open!.start) : null,
    });
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
