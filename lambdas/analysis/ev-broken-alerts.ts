/**
 * Alerts for broken chargers (ev-broken-chargers.ts), shaped for the Notifier port. One outage is
 * one alert: its id is the charger and the instant the outage began, so a charger still broken on
 * the next run repeats the same id and the notifier's dedupe sends it once; a new outage of the same
 * charger is a new alert. A day out of service is `high`, less is a `warning`.
 */
import type { Outage } from './ev-broken-chargers';

export interface BrokenChargerAlert {
  id: string;
  kind: 'threshold';
  severity: 'warning' | 'high';
  title: string;
  message: string;
  details: Record<string, unknown>;
}

const STATUS_WORDS: Readonly<Record<number, string>> = { 1: 'communication error', 4: 'stopped', 5: 'under inspection' };
const HOUR = 3_600_000;

export function brokenChargerAlerts(broken: readonly Outage[], stationNames: ReadonlyMap<string, string>, highAfterMs = 24 * HOUR): BrokenChargerAlert[] {
  return broken.map((o) => {
    const station = stationNames.get(o.station_id) ?? o.station_id;
    const hours = Math.floor(o.duration_ms / HOUR);
    const state = o.codes.map((c) => STATUS_WORDS[c] ?? `status ${c}`).join(', then ');
    return {
      id: `ev-broken:${o.station_id}/${o.charger_id}:${o.since}`,
      kind: 'threshold',
      severity: o.duration_ms >= highAfterMs ? 'high' : 'warning',
      title: `Charger ${o.charger_id} at ${station} out of service for ${hours} h`,
      message: `Charger ${o.station_id}/${o.charger_id} (${station}) has been out of service (${state}) since ${o.since}, ${hours} h.`,
      details: { station_id: o.station_id, charger_id: o.charger_id, since: o.since, duration_ms: o.duration_ms, codes: o.codes },
    };
  });
}
