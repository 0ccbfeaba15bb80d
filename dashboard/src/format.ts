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

const dtf = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

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

/** Instants are shown in UTC, labelled as such: the warehouse's time, the same for every reader. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = parseInstant(iso);
  return Number.isNaN(t) ? iso : `${dtf.format(new Date(t))} UTC`;
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
  return `${num(hours / 24, 0)} days`;
}

/** `2026-01-05T13:30:00Z` → `13:30` (UTC) for compact axis labels of hourly series. */
export function shortHour(iso: string): string {
  return iso.length >= 16 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso;
}
