/**
 * The intervals of one LOCAL day in an IANA timezone, as UTC instants. A local day is not always
 * 24 hours: in Europe/London the spring-forward day has 46 half-hours and the fall-back day 50.
 */

export class SimulatorInputError extends Error {
  override readonly name = 'SimulatorInputError';
}

export interface LocalInterval {
  /** UTC instant the interval starts, epoch milliseconds. */
  startMs: number;
  /** The same instant as ISO-8601 UTC without milliseconds, e.g. `2026-03-29T01:00:00Z`. */
  start: string;
  /** Local wall-clock hour at the interval start, fractional (07:30 → 7.5). */
  localHour: number;
  /** Local weekday, 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** Day of the year of the local date, 1 = 1 January. */
  dayOfYear: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new SimulatorInputError(`Unknown timezone "${timezone}": use an IANA name such as Europe/London.`);
    }
    formatters.set(timezone, f);
  }
  return f;
}

/** Local wall-clock fields of a UTC instant. */
function localParts(ms: number, timezone: string): { y: number; m: number; d: number; hh: number; mm: number } {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timezone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return { y: parts.year!, m: parts.month!, d: parts.day!, hh: parts.hour!, mm: parts.minute! };
}

/** Local date of a UTC instant as a sortable number yyyymmdd. */
function localDateNumber(ms: number, timezone: string): number {
  const p = localParts(ms, timezone);
  return p.y * 10000 + p.m * 100 + p.d;
}

/** Offset of local time from UTC at an instant, in milliseconds (London summer: +3,600,000). */
function offsetMs(ms: number, timezone: string): number {
  const p = localParts(ms, timezone);
  return Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm) - Math.floor(ms / 60000) * 60000;
}

export function parseIsoDate(date: string, field = 'date'): { y: number; m: number; d: number } {
  const match = DATE.exec(date);
  const y = Number(match?.[1]);
  const m = Number(match?.[2]);
  const d = Number(match?.[3]);
  const check = new Date(Date.UTC(y, m - 1, d));
  if (!match || check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
    throw new SimulatorInputError(`${field} "${date}" is not a calendar date: use YYYY-MM-DD, e.g. 2026-03-29.`);
  }
  return { y, m, d };
}

export function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Every `minutes`-long interval whose start falls on the local `date` in `timezone`. */
export function localDayIntervals(date: string, timezone: string, minutes = 30): LocalInterval[] {
  const { y, m, d } = parseIsoDate(date);
  const target = y * 10000 + m * 100 + d;
  const step = minutes * 60_000;
  const wallMidnight = Date.UTC(y, m - 1, d);
  // Two passes find the UTC instant of local midnight (the second corrects for an offset change).
  let start = wallMidnight - offsetMs(wallMidnight, timezone);
  start = wallMidnight - offsetMs(start, timezone);
  // Where midnight itself is skipped or repeated by a DST change, walk to the first interval of the day.
  while (localDateNumber(start - step, timezone) === target) start -= step;
  while (localDateNumber(start, timezone) < target) start += step;

  const dayOfYear = Math.round((wallMidnight - Date.UTC(y, 0, 1)) / 86_400_000) + 1;
  const weekday = new Date(wallMidnight).getUTCDay();
  const out: LocalInterval[] = [];
  for (let t = start; localDateNumber(t, timezone) === target; t += step) {
    const p = localParts(t, timezone);
    out.push({ startMs: t, start: isoInstant(t), localHour: p.hh + p.mm / 60, weekday, dayOfYear });
  }
  return out;
}
