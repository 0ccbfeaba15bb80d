/**
 * Local weekday and hour of UTC instants in an IANA timezone, fast enough for millions of readings:
 * Intl is slow, so the UTC offset is computed once per (timezone, UTC quarter hour) and cached. Every
 * zone's offset changes on a UTC quarter hour, not always on a UTC hour: St. John's (Newfoundland)
 * switches at 05:30 / 04:30 UTC and Lord Howe Island at 15:30 UTC, so a cache per UTC hour gave half an
 * hour a year of their readings the old offset. ~100 Intl calls per zone and day, then map look-ups.
 */
const QUARTER_MS = 900_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();

function formatter(timezone: string): Intl.DateTimeFormat {
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
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** Offset of local time from UTC in ms at instant `ms` (e.g. +3_600_000 for BST). */
export function utcOffsetMs(ms: number, timezone: string): number {
  const quarterKey = Math.floor(ms / QUARTER_MS);
  let zone = offsets.get(timezone);
  if (!zone) offsets.set(timezone, (zone = new Map()));
  const cached = zone.get(quarterKey);
  if (cached !== undefined) return cached;
  const at = quarterKey * QUARTER_MS;
  const parts: Record<string, number> = {};
  for (const p of formatter(timezone).formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const localAsUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
  const offset = localAsUtc - at;
  zone.set(quarterKey, offset);
  return offset;
}

export interface LocalSlot {
  /** 0 = Sunday … 6 = Saturday, as SQL EXTRACT(DOW). */
  weekday: number;
  /** Local hour of day, 0–23. */
  hour: number;
  /** Local minute of the hour, 0–59. */
  minute: number;
}

export function localSlot(ms: number, timezone: string): LocalSlot {
  const local = new Date(ms + utcOffsetMs(ms, timezone));
  return { weekday: local.getUTCDay(), hour: local.getUTCHours(), minute: local.getUTCMinutes() };
}

/**
 * The seasonal bucket of a reading: local weekday × interval-of-day, 0 … 7 × (1440 / intervalMinutes) − 1
 * (0–335 for 30-minute intervals). Same numbering as the SQL twin: dow × slots + (hour × 60 + minute) / interval.
 */
export function weekSlotOf(ms: number, timezone: string, intervalMinutes = 30): number {
  const s = localSlot(ms, timezone);
  return s.weekday * (1440 / intervalMinutes) + Math.floor((s.hour * 60 + s.minute) / intervalMinutes);
}

/** The local calendar day (YYYY-MM-DD) of an instant in an IANA timezone. */
export function localDayOf(ms: number, timezone: string): string {
  return new Date(ms + utcOffsetMs(ms, timezone)).toISOString().slice(0, 10);
}

/**
 * The UTC instant (ms) a local day begins, i.e. local midnight (or the first existing local time if a
 * DST change skips midnight, as in some zones: the offset is re-read at the found instant).
 */
export function localDayStartMs(day: string, timezone: string): number {
  const wall = Date.parse(`${day}T00:00:00Z`);
  let t = wall - utcOffsetMs(wall, timezone);
  t = wall - utcOffsetMs(t, timezone);
  return t;
}
