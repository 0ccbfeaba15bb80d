/** Date arithmetic for analysis windows (calendar dates as YYYY-MM-DD strings, UTC-safe). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export interface Window {
  /** Exclusive lower bound day. */
  fromDay: string;
  /** Inclusive upper bound day. */
  toDay: string;
  /** Instant bounds wide enough for any timezone (±14 h), for index-friendly range filters. */
  fromTs: string;
  toTs: string;
}

/** The `days` local days ending with `asOfDay` (inclusive). */
export function windowEnding(asOfDay: string, days: number): Window {
  const fromDay = addDays(asOfDay, -days);
  return {
    fromDay,
    toDay: asOfDay,
    fromTs: `${addDays(fromDay, 0)}T00:00:00Z`,
    toTs: `${addDays(asOfDay, 2)}T00:00:00Z`,
  };
}
