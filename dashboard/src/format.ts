/** Number and time formatting, in one place so every view reads the same. */
const nf = (digits: number) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const cache = new Map<number, Intl.NumberFormat>();

export function num(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  let f = cache.get(digits);
  if (!f) cache.set(digits, (f = nf(digits)));
  return f.format(value);
}

export function kwh(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined ? '—' : `${num(value, digits)} kWh`;
}

/** Large energy values read better in MWh. */
export function energy(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return Math.abs(value) >= 10_000 ? `${num(value / 1000, 1)} MWh` : kwh(value, 1);
}

export function kg(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return Math.abs(value) >= 10_000 ? `${num(value / 1000, 1)} t CO₂e` : `${num(value, 0)} kg CO₂e`;
}

export function pct(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : `${num(value * 100, digits)}%`;
}

export function signedPct(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${value > 0 ? '+' : value < 0 ? '−' : '±'}${num(Math.abs(value) * 100, digits)}%`;
}

/**
 * One clock: every instant is shown in local time with its zone named. A meter's own times use the
 * meter's zone (anomalies carry it); everything else uses the fleet's zone from overview.json, set
 * once at start-up. UTC only when nothing says otherwise.
 */
let displayZone = 'UTC';

export function setDisplayZone(timezone: string | null | undefined): void {
  if (!timezone) return;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: timezone });
    displayZone = timezone;
  } catch {
    // An unknown zone (an old browser's tz database) keeps UTC rather than failing every view.
  }
}

export function getDisplayZone(): string {
  return displayZone;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string, kind: 'full' | 'short' | 'zone' | 'day'): Intl.DateTimeFormat {
  const key = `${timeZone}|${kind}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'full'
        ? { dateStyle: 'medium', timeStyle: 'short', timeZone }
        : kind === 'short'
          ? { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }
          : kind === 'day'
            ? { weekday: 'short', day: 'numeric', month: 'short', timeZone }
            : { timeZoneName: 'short', timeZone };
    formatters.set(key, (f = new Intl.DateTimeFormat('en-GB', options)));
  }
  return f;
}

/** The zone's short name at an instant and its IANA name: "GMT+9 (Asia/Tokyo)", "BST (Europe/London)", "UTC". */
export function zoneName(timezone: string = displayZone, at = Date.now()): string {
  if (timezone === 'UTC' || timezone === 'Etc/UTC') return 'UTC';
  const short = formatter(timezone, 'zone').formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
  return short ? `${short} (${timezone})` : timezone;
}

/**
 * Milliseconds of an instant. The contract says ISO 8601; SQL-style text (`2026-01-05 13:30:00+00`)
 * from a warehouse cast is accepted too, so a publish-side slip shows a time, not "stale".
 */
export function parseInstant(text: string | null | undefined): number {
  if (!text) return NaN;
  const direct = Date.parse(text);
  if (Number.isFinite(direct)) return direct;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(text.trim());
  if (!m) return NaN;
  let zone = m[3] ?? 'Z';
  if (/^[+-]\d{2}$/.test(zone)) zone += ':00';
  else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return Date.parse(`${m[1]}T${m[2]}${zone}`);
}

/** An instant in local time with the zone named: "31 Dec 2016, 23:30 GMT+9 (Asia/Tokyo)". */
export function dateTime(iso: string | null | undefined, timezone: string = displayZone): string {
  if (!iso) return '—';
  const t = parseInstant(iso);
  return Number.isNaN(t) ? iso : `${formatter(timezone, 'full').format(new Date(t))} ${zoneName(timezone, t)}`;
}

/** A compact local time for axes and tables ("Sat 31 Dec, 23:30"); name the zone once nearby. */
export function localShort(ms: number, timezone: string = displayZone): string {
  return formatter(timezone, 'short').format(new Date(ms));
}

/** A local day with its weekday ("Sat 31 Dec"), for axis ticks at local midnight. */
export function localDay(ms: number, timezone: string = displayZone): string {
  return formatter(timezone, 'day').format(new Date(ms));
}

export function duration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${num(s, 1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export function age(hours: number): string {
  if (!Number.isFinite(hours)) return '—';
  if (hours < 1) return `${Math.max(0, Math.round(hours * 60))} min`;
  if (hours < 48) return `${num(hours, 0)} h`;
  if (hours < 24 * 60) return `${num(hours / 24, 0)} days`;
  if (hours < 24 * 730) return `${num(hours / 24 / 30.44, 0)} months`;
  return `${num(hours / 24 / 365.25, 1)} years`;
}

/** An ISO instant as a compact local time ("Sat 31 Dec, 23:30") for chart labels. */
export function shortHour(iso: string, timezone: string = displayZone): string {
  const t = parseInstant(iso);
  return Number.isNaN(t) ? iso : localShort(t, timezone);
}
