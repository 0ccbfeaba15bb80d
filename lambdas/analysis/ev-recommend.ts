/**
 * "Which station should I go to?" Given a point and a connector, the nearest stations with a fast
 * charger for that connector available now, ranked by distance and recent availability.
 *
 * - Candidates: stations within `maxDistanceKm` whose latest fresh status (at most `freshnessMs`
 *   before `asOf`) shows a matching fast charger available (2). Stale or missing statuses never
 *   recommend a station.
 * - Recent availability: over [asOf − recentWindowMs, asOf], the share of the station's snapshots in
 *   which a matching fast charger was available — a charger freed a minute ago at a station that is
 *   always full is a worse bet than one at a station that is usually free.
 * - Score (lower is better) = distance km + penaltyKm × (1 − recent availability): a station that was
 *   never free recently costs `penaltyKm` extra kilometres. Ties: distance, then id.
 */
import { haversineKm, isLatLon, type LatLon } from './ev-geo';
import { isFastCharger, type ChargerInfo, DEFAULT_FAST_KW } from './ev-fast-chargers';
import { EvAnalysisInputError, type StatusObservation } from './ev-status-history';

export interface StationPlace {
  station_id: string;
  name: string;
  lat: number | null;
  lon: number | null;
}

export interface RecommendOptions {
  at: LatLon;
  connector: string;
  /** UTC ms "now". */
  asOf: number;
  /** Default 5. */
  limit?: number;
  /** Default 10 km. */
  maxDistanceKm?: number;
  /** A status older than this is not "now". Default 30 minutes. */
  freshnessMs?: number;
  /** Default 2 hours. */
  recentWindowMs?: number;
  /** Default 2 km. */
  penaltyKm?: number;
  /** Default 50 kW. */
  fastKw?: number;
}

export interface Recommendation {
  station_id: string;
  name: string;
  distance_km: number;
  /** Matching fast chargers available now. */
  available_now: number;
  /** Matching fast chargers at the station. */
  matching_chargers: number;
  recent_availability: number;
  score: number;
}

export function recommendStations(
  stations: readonly StationPlace[],
  chargers: readonly ChargerInfo[],
  history: readonly StatusObservation[],
  options: RecommendOptions,
): Recommendation[] {
  if (!isLatLon(options.at)) throw new EvAnalysisInputError(`The point ${options.at.lat}, ${options.at.lon} is not a latitude/longitude in degrees.`);
  const fastKw = options.fastKw ?? DEFAULT_FAST_KW;
  const freshness = options.freshnessMs ?? 30 * 60_000;
  const recentFrom = options.asOf - (options.recentWindowMs ?? 2 * 3_600_000);
  const penalty = options.penaltyKm ?? 2;
  const maxDistance = options.maxDistanceKm ?? 10;
  const key = (s: string, c: string) => `${s}\u001f${c}`;
  // A connector no charger carries is a typo ("ccs"), not "nothing nearby": say so.
  const known = new Set(chargers.flatMap((c) => c.connectors));
  if (!known.has(options.connector)) {
    throw new EvAnalysisInputError(`No charger has connector "${options.connector}" (known: ${[...known].sort().join(', ') || 'none'}).`);
  }
  const matching = new Set(chargers.filter((c) => isFastCharger(c, fastKw) && c.connectors.includes(options.connector)).map((c) => key(c.station_id, c.charger_id)));
  const matchingPerStation = new Map<string, number>();
  for (const k of matching) {
    const s = k.split('\u001f')[0]!;
    matchingPerStation.set(s, (matchingPerStation.get(s) ?? 0) + 1);
  }
  // Latest fresh status per matching charger, and per station: snapshots in the recent window.
  const latest = new Map<string, { t: number; code: number }>();
  const recent = new Map<string, Map<number, boolean>>();
  for (const row of history) {
    const k = key(row.station_id, row.charger_id);
    if (!matching.has(k)) continue;
    const t = Date.parse(row.observed_at);
    if (t > options.asOf) continue;
    if (t >= options.asOf - freshness && (latest.get(k)?.t ?? -Infinity) < t) latest.set(k, { t, code: row.status_code });
    if (t >= recentFrom) {
      let snaps = recent.get(row.station_id);
      if (!snaps) recent.set(row.station_id, (snaps = new Map()));
      snaps.set(t, (snaps.get(t) ?? false) || row.status_code === 2);
    }
  }
  const availableNow = new Map<string, number>();
  for (const [k, v] of latest) {
    if (v.code !== 2) continue;
    const s = k.split('\u001f')[0]!;
    availableNow.set(s, (availableNow.get(s) ?? 0) + 1);
  }
  const out: Recommendation[] = [];
  for (const st of stations) {
    const now = availableNow.get(st.station_id) ?? 0;
    if (now === 0 || st.lat === null || st.lon === null) continue;
    const distance = haversineKm(options.at, { lat: st.lat, lon: st.lon });
    if (distance > maxDistance) continue;
    const snaps = [...(recent.get(st.station_id)?.values() ?? [])];
    const share = snaps.length ? snaps.filter(Boolean).length / snaps.length : 0;
    out.push({
      station_id: st.station_id,
      name: st.name,
      distance_km: distance,
      available_now: now,
      matching_chargers: matchingPerStation.get(st.station_id) ?? 0,
      recent_availability: share,
      score: distance + penalty * (1 - share),
    });
  }
  return out
    .sort((a, b) => a.score - b.score || a.distance_km - b.distance_km || (a.station_id < b.station_id ? -1 : 1))
    .slice(0, options.limit ?? 5);
}
