/**
 * EV charging (docs/EV.md): reads the stations, chargers and the look-back window of charger status
 * (./ev-inputs.ts), runs the pure analyses of lambdas/analysis/ev-*.ts and writes the dashboard's EV
 * files: the station map with each station's current availability and fast chargers (plus what the
 * browser needs to run the recommendation itself), utilisation per station and hour of week with the
 * busiest stations, the chargers broken now (out of service ≥ evChargers.brokenAfterHours, with
 * since when) and availability at commute hours. Broken chargers are also kept in the
 * charger_outages table (./ev-outages.ts), from which ./ev-alerts.ts alerts once per outage.
 * Without EV data every file is written empty (and valid).
 */
import { brokenChargersSince } from '../../analysis/ev-broken-chargers';
import { commuteAvailability, DEFAULT_COMMUTE_WINDOWS } from '../../analysis/ev-commute-availability';
import { DEFAULT_FAST_KW, fastChargersPerStation, isFastCharger } from '../../analysis/ev-fast-chargers';
import { busiestStations, stationUtilisation } from '../../analysis/ev-utilisation';
import {
  RESULT_FILES,
  type EvBroken,
  type EvCommute,
  type EvStation,
  type EvStations,
  type EvUtilisation,
} from '../../contract/results';
import type { Analysis } from './analysis';
import { readEvInputs, type EvInputs } from './ev-inputs';
import { recordOutages } from './ev-outages';

const HOUR = 3_600_000;
/** A station whose newest snapshot is this much older than the newest of all is shown as stale. */
export const EV_STALE_AFTER_MS = 30 * 60_000;
/** Statuses published for the browser's recommendation: the window it scores recent availability over. */
export const EV_RECENT_MS = 2 * HOUR;
/** Busiest stations listed. */
export const EV_BUSIEST = 10;

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const evChargersAnalysis: Analysis = {
  name: 'ev-chargers',
  async run(ctx) {
    const generatedAt = ctx.ports.clock.now().toISOString();
    const config = ctx.ports.config.evChargers;
    const inputs = await readEvInputs(ctx);
    const timezone = config.timezone;
    const names = new Map(inputs.stations.map((s) => [s.station_id, s.name]));

    const utilisation = stationUtilisation(inputs.history, { timezone });
    const busiest = busiestStations(utilisation.overall, EV_BUSIEST);
    const broken =
      inputs.asOf === null ? [] : brokenChargersSince(inputs.history, inputs.carryIn, { asOf: inputs.asOf, minDurationMs: config.brokenAfterHours * HOUR });
    const commute = commuteAvailability(inputs.history, { timezone });
    const outages = await recordOutages(ctx, broken, inputs.asOf, inputs.history);

    const evStations = stationsFile(inputs, generatedAt, timezone);
    const evUtilisation: EvUtilisation = {
      generatedAt,
      timezone,
      from: iso(inputs.fromMs),
      to: iso(inputs.asOf),
      stations: utilisation.overall.map((s) => ({
        id: s.station_id,
        name: names.get(s.station_id) ?? s.station_id,
        utilisation: round(s.utilisation),
        chargingHours: round(s.charging_hours, 2),
        inServiceHours: round(s.in_service_hours, 2),
        peakHourOfWeek: s.peak_hour_of_week,
        chargers: s.chargers,
      })),
      busiest: busiest.map((s) => s.station_id),
      byHour: {
        stationId: utilisation.byHour.map((r) => r.station_id),
        hourOfWeek: utilisation.byHour.map((r) => r.hour_of_week),
        utilisation: utilisation.byHour.map((r) => round(r.utilisation)),
        chargingHours: utilisation.byHour.map((r) => round(r.charging_hours, 3)),
      },
    };
    const evBroken: EvBroken = {
      generatedAt,
      asOf: iso(inputs.asOf),
      brokenAfterHours: config.brokenAfterHours,
      items: broken.map((o) => ({
        stationId: o.station_id,
        stationName: names.get(o.station_id) ?? o.station_id,
        chargerId: o.charger_id,
        since: new Date(o.since).toISOString(),
        durationHours: round(o.duration_ms / HOUR, 2),
        codes: o.codes,
      })),
    };
    const evCommute: EvCommute = {
      generatedAt,
      timezone,
      windows: DEFAULT_COMMUTE_WINDOWS.map((w) => ({ name: w.name, weekdays: [...w.weekdays], fromHour: w.fromHour, toHour: w.toHour })),
      rows: commute.map((c) => ({
        stationId: c.station_id,
        window: c.window,
        snapshots: c.snapshots,
        availableShare: round(c.available_share),
        meanAvailable: round(c.mean_available, 3),
        chargers: c.chargers,
      })),
    };
    return {
      files: {
        [RESULT_FILES.evStations]: evStations,
        [RESULT_FILES.evUtilisation]: evUtilisation,
        [RESULT_FILES.evBroken]: evBroken,
        [RESULT_FILES.evCommute]: evCommute,
      },
      counts: { stations: evStations.stations.length, statuses: inputs.history.length, broken: broken.length, outagesRecorded: outages },
    };
  },
};

/** The map's stations: place, current availability (each charger's newest status in the window), fast chargers. */
function stationsFile(inputs: EvInputs, generatedAt: string, timezone: string): EvStations {
  const latest = new Map<string, { t: number; code: number }>();
  const stationAt = new Map<string, number>();
  for (const r of inputs.history) {
    const t = Date.parse(r.observed_at);
    const key = `${r.station_id}\u001f${r.charger_id}`;
    if ((latest.get(key)?.t ?? -Infinity) <= t) latest.set(key, { t, code: r.status_code });
    stationAt.set(r.station_id, Math.max(stationAt.get(r.station_id) ?? -Infinity, t));
  }
  const fast = new Map(fastChargersPerStation(inputs.chargers).map((f) => [f.station_id, f]));
  const chargersOf = new Map<string, string[]>();
  for (const c of inputs.chargers) chargersOf.set(c.station_id, [...(chargersOf.get(c.station_id) ?? []), c.charger_id]);
  // A status of a charger the chargers table does not list (the national API reports statuses only)
  // still counts at its station.
  for (const key of latest.keys()) {
    const [s, c] = key.split('\u001f') as [string, string];
    const list = chargersOf.get(s) ?? [];
    if (!list.includes(c)) chargersOf.set(s, [...list, c]);
  }
  const stations: EvStation[] = inputs.stations.map((s) => {
    const ids = chargersOf.get(s.station_id) ?? [];
    const counts = { available: 0, charging: 0, outOfService: 0, unknown: 0 };
    for (const c of ids) {
      const code = latest.get(`${s.station_id}\u001f${c}`)?.code;
      if (code === 2) counts.available++;
      else if (code === 3) counts.charging++;
      else if (code === 1 || code === 4 || code === 5) counts.outOfService++;
      else counts.unknown++;
    }
    const at = stationAt.get(s.station_id) ?? null;
    const f = fast.get(s.station_id);
    return {
      id: s.station_id,
      name: s.name,
      address: s.address,
      lat: s.lat,
      lon: s.lon,
      kind: s.kind,
      chargers: ids.length,
      ...counts,
      statusAt: iso(at),
      stale: at === null || inputs.asOf === null || inputs.asOf - at > EV_STALE_AFTER_MS,
      fast: f?.fast ?? 0,
      fastByConnector: f?.fast_by_connector ?? {},
      maxKw: f?.max_kw ?? null,
      unknownOutput: f?.unknown_output ?? 0,
    };
  });
  const fastChargers = inputs.chargers
    .filter((c) => isFastCharger(c))
    .map((c) => ({ stationId: c.station_id, chargerId: c.charger_id, outputKw: c.output_kw!, connectors: [...c.connectors] }));
  const fastKeys = new Set(fastChargers.map((c) => `${c.stationId}\u001f${c.chargerId}`));
  const recent: EvStations['recent'] = { stationId: [], chargerId: [], t: [], code: [] };
  if (inputs.asOf !== null) {
    for (const r of inputs.history) {
      if (!fastKeys.has(`${r.station_id}\u001f${r.charger_id}`) || Date.parse(r.observed_at) < inputs.asOf - EV_RECENT_MS) continue;
      recent.stationId.push(r.station_id);
      recent.chargerId.push(r.charger_id);
      recent.t.push(r.observed_at);
      recent.code.push(r.status_code);
    }
  }
  return { generatedAt, asOf: iso(inputs.asOf), timezone, fastKw: DEFAULT_FAST_KW, stations, fastChargers, recent };
}
