/** Date arithmetic for analysis windows (calendar dates as YYYY-MM-DD strings, UTC-safe). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export interface Window {
  /** Exclusive lower bound day. */
  fromDay: string;
  /** Inclusive upper bound day. */
  toDay: string;
  /** Instant bounds of those local days in any timezone (UTC−12 … UTC+14), for range filters. */
  fromTs: string;
  toTs: string;
}

/** The `days` local days ending with `asOfDay` (inclusive). */
export function windowEnding(asOfDay: string, days: number): Window {
  const fromDay = addDays(asOfDay, -days);
  return {
    fromDay,
    toDay: asOfDay,
    // The first local day starts at fromDay+1 00:00 local, as early as fromDay 10:00 UTC (UTC+14);
    // the last ends at asOfDay+1 00:00 local, as late as asOfDay+1 12:00 UTC (UTC−12).
    fromTs: `${fromDay}T10:00:00Z`,
    toTs: `${addDays(asOfDay, 1)}T12:00:00Z`,
  };
}
