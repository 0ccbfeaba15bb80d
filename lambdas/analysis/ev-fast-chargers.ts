/**
 * Fast chargers per station: 50 kW or more (Korean usage, configurable). A charger whose output is
 * unknown (the real data leaves some empty) is not counted as fast; it is counted as unknown, so a
 * station is never shown as having no fast charger only because its outputs are missing.
 */

export interface ChargerInfo {
  station_id: string;
  charger_id: string;
  output_kw: number | null;
  /** Connectors the charger's type carries (e.g. ['CHAdeMO', 'AC3', 'CCS']). */
  connectors: readonly string[];
}

export interface StationFastChargers {
  station_id: string;
  chargers: number;
  fast: number;
  unknown_output: number;
  max_kw: number | null;
  /** Fast chargers per connector. */
  fast_by_connector: Record<string, number>;
}

export const DEFAULT_FAST_KW = 50;

export function isFastCharger(c: Pick<ChargerInfo, 'output_kw'>, thresholdKw = DEFAULT_FAST_KW): boolean {
  return c.output_kw !== null && c.output_kw >= thresholdKw;
}

export function fastChargersPerStation(chargers: readonly ChargerInfo[], thresholdKw = DEFAULT_FAST_KW): StationFastChargers[] {
  const by = new Map<string, StationFastChargers>();
  for (const c of chargers) {
    let s = by.get(c.station_id);
    if (!s) by.set(c.station_id, (s = { station_id: c.station_id, chargers: 0, fast: 0, unknown_output: 0, max_kw: null, fast_by_connector: {} }));
    s.chargers++;
    if (c.output_kw === null) s.unknown_output++;
    else s.max_kw = Math.max(s.max_kw ?? 0, c.output_kw);
    if (isFastCharger(c, thresholdKw)) {
      s.fast++;
      for (const k of c.connectors) s.fast_by_connector[k] = (s.fast_by_connector[k] ?? 0) + 1;
    }
  }
  return [...by.values()].sort((a, b) => b.fast - a.fast || (a.station_id < b.station_id ? -1 : 1));
}
