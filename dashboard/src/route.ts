/**
 * Deep links: the URL hash holds the view and its filters (`#/anomalies?severity=high&from=…`), so a
 * copied link reopens the same page on any static host. Hash routing needs no server rewrite rules.
 */
export const VIEWS = ['overview', 'consumption', 'anomalies', 'forecast', 'market', 'emissions', 'ev', 'flow', 'pipeline'] as const;
export type ViewName = (typeof VIEWS)[number];

export interface Route {
  view: ViewName;
  params: Record<string, string>;
}

function isView(name: string): name is ViewName {
  return (VIEWS as readonly string[]).includes(name);
}

/** `#/market?symbol=SPY` → { view: 'market', params: { symbol: 'SPY' } }; unknown views fall back to overview. */
export function parseHash(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const q = text.indexOf('?');
  const name = decodeURIComponent(q >= 0 ? text.slice(0, q) : text);
  const params: Record<string, string> = {};
  if (q >= 0) {
    for (const [k, v] of new URLSearchParams(text.slice(q + 1))) if (v !== '') params[k] = v;
  }
  return { view: isView(name) ? name : 'overview', params };
}

export function formatHash(route: Route): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(route.params)) if (v !== '') search.set(k, v);
  const qs = search.toString();
  return `#/${route.view}${qs ? `?${qs}` : ''}`;
}

/** The route with some params changed (null removes one). */
export function withParams(route: Route, patch: Record<string, string | null | undefined>, view?: ViewName): Route {
  const params = { ...route.params };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === undefined || v === '') delete params[k];
    else params[k] = v;
  }
  return { view: view ?? route.view, params };
}

/** Global date range (YYYY-MM-DD, inclusive) shared by all views. */
export interface DateRange {
  from: string | null;
  to: string | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function rangeOf(route: Route): DateRange {
  const from = route.params.from && DAY.test(route.params.from) ? route.params.from : null;
  const to = route.params.to && DAY.test(route.params.to) ? route.params.to : null;
  return { from, to };
}

/** Whether a day or ISO instant (compared by its first 10 characters) lies inside the range. */
export function inRange(dayOrInstant: string, range: DateRange): boolean {
  const day = dayOrInstant.slice(0, 10);
  if (range.from && day < range.from) return false;
  if (range.to && day > range.to) return false;
  return true;
}

/** Months (YYYY-MM) overlap the range when any of their days do. */
export function monthInRange(month: string, range: DateRange): boolean {
  const m = month.slice(0, 7);
  if (range.from && m < range.from.slice(0, 7)) return false;
  if (range.to && m > range.to.slice(0, 7)) return false;
  return true;
}
