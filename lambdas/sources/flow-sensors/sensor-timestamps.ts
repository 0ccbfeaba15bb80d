/**
 * Timestamps as 1-minute loggers write them, read into UTC instants:
 *
 * - ISO 8601 with an offset or Z (`2026-12-03T00:01:00+09:00`): an instant;
 * - ISO 8601 without one (`2026-12-03 00:01`): wall-clock time in the import's timezone;
 * - day-first dates (`16/12/2006 17:24:00`, `1/2/2007 0:05`, `16.12.2006`, `16-12-2006`), as
 *   European loggers write them, also split over two columns (Date;Time); month-first instead
 *   with `dateOrder: 'mdy'` (US exports). Two-digit years are refused: 06/07/08 cannot be read
 *   without guessing.
 *
 * Readings are per minute: seconds must be :00 (a logger that writes :59 jitter needs its clock
 * fixed, not a silent shift). A wall time that does not exist (the hour skipped when DST starts)
 * is refused with the reason; one that exists twice (the hour repeated when DST ends) is read as
 * its first occurrence unless the caller knows it is the second (read-sensor-csv.ts: a device's
 * clock that went back an hour).
 */
import { utcOffsetMs as offsetAt } from '../../analysis/local-time';

export type DateOrder = 'dmy' | 'mdy';

export type ParsedTime =
  | { kind: 'instant'; ms: number }
  /** Wall-clock fields as if they were UTC (Date.UTC of the written fields). */
  | { kind: 'wall'; wallMs: number }
  | { kind: 'error'; reason: string };

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const SLASHED = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2,4})[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/;

export function parseSensorTime(text: string, dateOrder: DateOrder = 'dmy'): ParsedTime {
  const t = text.trim();
  let y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string | undefined, zone: string | undefined;
  let m = ISO.exec(t);
  if (m) {
    [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
    frac = m[7];
    zone = m[8];
  } else if ((m = SLASHED.exec(t))) {
    if (m[4]!.length !== 4) return { kind: 'error', reason: `year "${m[4]}" has two digits: write four (2006), a two-digit year cannot be read without guessing the century` };
    const [a, b] = [Number(m[1]), Number(m[3])];
    [d, mo] = dateOrder === 'dmy' ? [a, b] : [b, a];
    [y, h, mi, s] = [m[4], m[5], m[6], m[7] ?? '0'].map(Number) as [number, number, number, number];
    frac = m[8];
    if (mo > 12) {
      const other = dateOrder === 'dmy' ? 'mdy' : 'dmy';
      return { kind: 'error', reason: `"${t}" has month ${mo} when read ${dateOrder === 'dmy' ? 'day-first' : 'month-first'}: if the file writes ${dateOrder === 'dmy' ? 'month' : 'day'} first, import with --date-order ${other}` };
    }
  } else {
    return { kind: 'error', reason: `"${t}" is not a timestamp: write 2026-12-03T00:01:00+09:00, 2026-12-03 00:01, or day-first 03/12/2026 00:01` };
  }
  const wallMs = Date.UTC(y, mo - 1, d, h, mi);
  const check = new Date(wallMs);
  if (mo < 1 || mo > 12 || d < 1 || check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1 || h > 23 || mi > 59) {
    return { kind: 'error', reason: `"${t}" is not a real date and time` };
  }
  if (s !== 0 || (frac !== undefined && Number(frac) !== 0)) {
    return { kind: 'error', reason: `"${t}" is not on the minute (seconds ${String(s).padStart(2, '0')}${frac ?? ''}): flow sensors report once a minute at :00; fix the logger's clock or round the export` };
  }
  if (zone === undefined) return { kind: 'wall', wallMs };
  if (/^z$/i.test(zone)) return { kind: 'instant', ms: wallMs };
  const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  const offset = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0)) * 60_000;
  return { kind: 'instant', ms: wallMs - offset };
}

/**
 * UTC instants a wall-clock time can be in `timezone`: none in a DST gap, two in a DST overlap
 * (earlier first), else one. Offsets come from a day before and a day after, the two sides of any
 * switch near the time.
 */
export function wallToInstants(wallMs: number, timezone: string): number[] {
  const out: number[] = [];
  for (const probe of [wallMs - 86_400_000, wallMs + 86_400_000]) {
    const offset = offsetAt(probe, timezone);
    const t = wallMs - offset;
    if (offsetAt(t, timezone) === offset && !out.includes(t)) out.push(t);
  }
  return out.sort((a, b) => a - b);
}
