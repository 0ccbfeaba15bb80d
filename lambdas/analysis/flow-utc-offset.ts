/**
 * UTC offset of an IANA timezone at an instant, exact to the minute grid of flow sensors. The
 * shared `utcOffsetMs` (local-time.ts) caches one offset per UTC hour, which is right for the
 * 30-minute meter grid but not for minutes: St. John's (Newfoundland) switches at 04:30/05:30 UTC
 * and Lord Howe Island at 15:30 UTC, so half an hour a year of their minutes would get the wrong
 * offset. Every zone switches on a UTC quarter hour, so this caches one offset per UTC quarter
 * hour: ~100 Intl calls per zone and day, then map look-ups.
 */
const QUARTER_MS = 900_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const cache = new Map<string, Map<number, number>>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(timezone, f);
  }
  return f;
}

/** Local time minus UTC, in ms, at instant `ms` (e.g. −12,600,000 for St. John's in winter). */
export function offsetAt(ms: number, timezone: string): number {
  const key = Math.floor(ms / QUARTER_MS);
  let zone = cache.get(timezone);
  if (!zone) cache.set(timezone, (zone = new Map()));
  const hit = zone.get(key);
  if (hit !== undefined) return hit;
  const at = key * QUARTER_MS;
  const parts: Record<string, number> = {};
  for (const p of formatter(timezone).formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const offset = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!) - at;
  zone.set(key, offset);
  return offset;
}
