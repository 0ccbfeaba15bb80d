/**
 * The simulator's output for one local day (Asia/Seoul by default) — what a local run collects for
 * its date: the fleet's stations and chargers, and a status snapshot of every charger every 15
 * minutes from local midnight to the next, with the labelled failures for scoring.
 */
import { parseIsoDate } from '../meter-simulator/local-day';
import { KOREA_TIMEZONE, koreaTimeToUtc } from './korea-time';
import type { ChargerRow, ChargerStatusRow, ChargingStationRow } from './rows';
import { simulateHistory, type FailureLabel } from './sim-history';
import { simulatedFleet } from './sim-stations';

export interface SimulatedDayOptions {
  /** Default 40. */
  stations?: number;
  /** Default 15. */
  stepMinutes?: number;
  /** Default Asia/Seoul. */
  timezone?: string;
}

export interface SimulatedDay {
  stations: ChargingStationRow[];
  chargers: ChargerRow[];
  statuses: ChargerStatusRow[];
  labels: FailureLabel[];
}

export function simulatedDay(seed: number, date: string, options: SimulatedDayOptions = {}): SimulatedDay {
  const { y, m, d } = parseIsoDate(date);
  const timezone = options.timezone ?? KOREA_TIMEZONE;
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  const from = koreaTimeToUtc(`${date} 00:00`, timezone)!;
  const to = koreaTimeToUtc(`${next} 00:00`, timezone)!;
  const fleet = simulatedFleet(seed, options.stations ?? 40);
  const history = simulateHistory({ seed, fleet, from, to, stepMinutes: options.stepMinutes, timezone });
  return {
    stations: fleet.stations,
    // The site kind shapes the simulation; the chargers table has no such column.
    chargers: fleet.chargers.map(({ kind: _kind, ...charger }) => charger),
    statuses: history.statuses,
    labels: history.labels,
  };
}
