/**
 * What the EV analysis reads from the warehouse: the newest snapshot, the stations and chargers (two
 * small dimensions), the status history of the look-back window only (evChargers.lookbackDays
 * before the newest snapshot, never the whole table), and for chargers already out of service when
 * that window opens, when their outage began (an aggregate: one row per such charger).
 */
import { chargerKey } from '../../analysis/ev-broken-chargers';
import { connectorsOf } from '../../sources/ev-chargers/charger-types';
import type { ChargerInfo } from '../../analysis/ev-fast-chargers';
import type { StatusObservation } from '../../analysis/ev-status-history';
import { sqlFile } from '../../sql/files';
import type { AnalysisContext } from './analysis';
import { instantMs } from './instant';

const DAY = 86_400_000;

export interface EvStationRow {
  station_id: string;
  name: string;
  address: string | null;
  lat: number | null;
  lon: number | null;
  kind: string | null;
}

export interface EvInputs {
  /** UTC ms of the newest status, null when no EV data is loaded. */
  asOf: number | null;
  /** The window read: (fromMs, asOf]. */
  fromMs: number | null;
  stations: EvStationRow[];
  chargers: ChargerInfo[];
  history: StatusObservation[];
  /** `station_id\u001fcharger_id` → UTC ms the outage under way at the window's start began. */
  carryIn: Map<string, number>;
}

const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export async function readEvInputs(ctx: AnalysisContext): Promise<EvInputs> {
  const wh = ctx.ports.warehouse;
  const [latest] = await wh.query({ name: 'ev_latest_observed', sql: sqlFile('analysis/ev_latest_observed.sql') });
  const asOf = latest?.latest === null || latest?.latest === undefined ? null : instantMs(latest.latest, 'charger_status.observed_at');
  const stationRows = await wh.query({ name: 'ev_stations', sql: sqlFile('analysis/ev_stations.sql') });
  const chargerRows = await wh.query({ name: 'ev_chargers', sql: sqlFile('analysis/ev_chargers.sql') });
  const stations = stationRows.map((r) => ({
    station_id: String(r.station_id),
    name: String(r.name),
    address: text(r.address),
    lat: num(r.lat),
    lon: num(r.lon),
    kind: text(r.kind),
  }));
  const chargers = chargerRows.map((r) => ({
    station_id: String(r.station_id),
    charger_id: String(r.charger_id),
    output_kw: num(r.output_kw),
    connectors: [...connectorsOf(String(r.charger_type))],
  }));
  if (asOf === null) return { asOf, fromMs: null, stations, chargers, history: [], carryIn: new Map() };

  const config = ctx.ports.config;
  const fromMs = asOf - config.evChargers.lookbackDays * DAY;
  const fromTs = new Date(fromMs).toISOString();
  const rows = await wh.query({
    name: 'ev_status_window',
    sql: sqlFile('analysis/ev_status_window.sql'),
    params: { from_ts: fromTs, to_ts: new Date(asOf).toISOString() },
  });
  const history = rows.map((r) => ({
    station_id: String(r.station_id),
    charger_id: String(r.charger_id),
    observed_at: new Date(instantMs(r.observed_at!, 'charger_status.observed_at')).toISOString(),
    status_code: Number(r.status_code),
  }));
  const carry = await wh.query({
    name: 'ev_outage_carry_in',
    sql: sqlFile('analysis/ev_outage_carry_in.sql'),
    params: { from_ts: fromTs, oldest_ts: new Date(fromMs - config.analysis.historyDays * DAY).toISOString() },
  });
  const carryIn = new Map(carry.map((r) => [chargerKey(String(r.station_id), String(r.charger_id)), instantMs(r.since!, 'charger_status.observed_at')]));
  return { asOf, fromMs, stations, chargers, history, carryIn };
}
