/**
 * Times as the Korean charger APIs write them, to UTC. Both APIs write naive wall-clock times in
 * Korea: Seoul's city data `YYYY-MM-DD HH:MM`, the national API `YYYYMMDDHHMMSS`. The zone is a
 * parameter (default Asia/Seoul) and the conversion goes through Intl, not a fixed +09:00, so a
 * source in a zone with summer time converts correctly too.
 */

export const KOREA_TIMEZONE = 'Asia/Seoul';

const SEOUL_FORM = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
const COMPACT_FORM = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/;
const OFFSET_FORM = /(Z|[+-]\d{2}:?\d{2})$/i;

const formatters = new Map<string, Intl.DateTimeFormat>();

const offsets = new Map<string, Map<number, number>>();
const QUARTER_HOUR = 900_000;

/**
 * The wall-clock time in `timezone` at instant `ms`, as if it were UTC (for local hour and weekday).
 * Intl is slow (microseconds a call) and simulators ask millions of times, so the offset is cached
 * per quarter hour: every zone's offset changes on a quarter-hour boundary.
 */
export function wallClockOf(ms: number, timezone: string): number {
  const key = Math.floor(ms / QUARTER_HOUR);
  let zone = offsets.get(timezone);
  if (!zone) offsets.set(timezone, (zone = new Map()));
  let offset = zone.get(key);
  if (offset === undefined) {
    const at = key * QUARTER_HOUR;
    offset = intlWallClock(at, timezone) - at;
    zone.set(key, offset);
  }
  return ms + offset;
}

function intlWallClock(ms: number, timezone: string): number {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
}

/** The UTC instant of a wall-clock time in `timezone` (two passes settle an offset change). */
function zonedToUtcMs(wall: number, timezone: string): number {
  let guess = wall - (wallClockOf(wall, timezone) - wall);
  guess = wall - (wallClockOf(guess, timezone) - guess);
  return guess;
}

function fieldsToWall(y: string, mo: string, d: string, h: string, mi: string, s: string | undefined): number | null {
  const [Y, M, D, H, Mi, S] = [y, mo, d, h, mi, s ?? '0'].map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(Y, M - 1, D, H, Mi, S);
  const back = new Date(wall);
  // Refuses impossible dates (2023-02-30) that Date.UTC would roll over silently.
  if (back.getUTCFullYear() !== Y || back.getUTCMonth() !== M - 1 || back.getUTCDate() !== D || H > 23 || Mi > 59 || S > 59) return null;
  return wall;
}

/**
 * A Korean-API time (`2023-08-09 10:28`, `20230809102800`) as an ISO UTC instant, or null when the
 * text is not such a time. Empty text is not a time: callers decide whether empty is allowed.
 */
export function koreaTimeToUtc(text: string, timezone = KOREA_TIMEZONE): string | null {
  const t = text.trim();
  const m = SEOUL_FORM.exec(t) ?? COMPACT_FORM.exec(t);
  if (!m) return null;
  const wall = fieldsToWall(m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]);
  return wall === null ? null : isoSeconds(zonedToUtcMs(wall, timezone));
}

/**
 * An instant a person typed (`--observed-at`): ISO-8601 with `Z` or an offset as given; a naive
 * ISO time (`2023-08-09T23:00`) is read in `timezone`. Null when unreadable.
 */
export function instantFromUser(text: string, timezone = KOREA_TIMEZONE): string | null {
  const t = text.trim();
  if (OFFSET_FORM.test(t)) {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(t)) return null;
    const ms = Date.parse(t);
    if (Number.isNaN(ms)) return null;
    // Date.parse rolls 2023-02-30 over; compare the date part against the parsed local fields.
    const naive = koreaTimeToUtc(t.replace(OFFSET_FORM, '').replace(/\.\d+$/, ''), 'UTC');
    return naive === null ? null : isoSeconds(ms);
  }
  return koreaTimeToUtc(t.replace(/\.\d+$/, ''), timezone);
}

/** ISO-8601 UTC to the second, `2023-08-09T14:00:00Z` (milliseconds dropped). */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
