/** Analysis windows over calendar dates (YYYY-MM-DD strings). */
import { addDays } from '../../calendar';

export { addDays };

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
