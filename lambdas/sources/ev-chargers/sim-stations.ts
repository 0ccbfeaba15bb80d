/**
 * Simulated charging stations in and around Seoul for local runs: deterministic by seed, placed
 * around real hubs (city hall, Gangnam, Yeouido, Jamsil, …) with a kind of site that shapes their
 * use (apartments charge at night, offices by day, public car parks and rest stops at the commute),
 * and chargers of the real mix: mostly 7 kW AC, some 50–200 kW DC fast chargers.
 */
import { roundTo, seeded } from '../random';
import type { ChargerTypeCode } from './charger-types';
import type { ChargerRow, ChargingStationRow } from './rows';

export type SiteKind = 'apartment' | 'office' | 'public-parking' | 'mart' | 'highway-rest';

/** The kind of site as the real data writes it (STAT_KINDDETAIL). */
export const KIND_LABEL: Readonly<Record<SiteKind, string>> = {
  apartment: '아파트',
  office: '사업장(사옥)',
  'public-parking': '공영주차장',
  mart: '마트(쇼핑몰)',
  'highway-rest': '휴게소',
};

const HUBS: readonly { name: string; lat: number; lon: number }[] = [
  { name: '광화문', lat: 37.5759, lon: 126.9768 },
  { name: '강남', lat: 37.4979, lon: 127.0276 },
  { name: '여의도', lat: 37.5219, lon: 126.9245 },
  { name: '잠실', lat: 37.5133, lon: 127.1001 },
  { name: '상암', lat: 37.5794, lon: 126.8895 },
  { name: '노원', lat: 37.6542, lon: 127.0568 },
  { name: '구로', lat: 37.4954, lon: 126.8874 },
  { name: '판교', lat: 37.3948, lon: 127.1112 },
];

const KINDS: readonly SiteKind[] = ['apartment', 'apartment', 'office', 'office', 'public-parking', 'mart', 'highway-rest'];

export interface SimulatedCharger extends ChargerRow {
  kind: SiteKind;
}

export interface SimulatedFleet {
  stations: ChargingStationRow[];
  chargers: SimulatedCharger[];
}

/** `count` stations (default 40), the same for the same seed. */
export function simulatedFleet(seed: number, count = 40): SimulatedFleet {
  const stations: ChargingStationRow[] = [];
  const chargers: SimulatedCharger[] = [];
  for (let i = 1; i <= count; i++) {
    const id = `SIM${String(i).padStart(4, '0')}`;
    const r = seeded(seed, 'ev-station', id);
    const hub = r.pick(HUBS);
    const kind = r.pick(KINDS);
    // Within ~3 km of the hub (1° latitude ≈ 111 km; 1° longitude ≈ 88 km at 37.5°N).
    const lat = roundTo(hub.lat + r.uniform(-0.027, 0.027), 6);
    const lon = roundTo(hub.lon + r.uniform(-0.034, 0.034), 6);
    stations.push({
      station_id: id,
      name: `${hub.name} ${KIND_LABEL[kind]} ${i}`,
      address: `서울특별시 (simulated) ${hub.name} ${i}`,
      lon,
      lat,
      usage_time: kind === 'office' ? '08:00~22:00' : '24시간 이용가능',
      parking_fee: kind === 'public-parking' || kind === 'mart',
      access_limited: kind === 'apartment' || kind === 'office',
      kind: KIND_LABEL[kind],
    });
    const fastSite = kind === 'highway-rest' || kind === 'public-parking' || kind === 'mart';
    const fast = fastSite ? r.int(1, 4) : r.chance(0.2) ? 1 : 0;
    const slow = kind === 'highway-rest' ? r.int(0, 2) : r.int(2, 10);
    let n = 0;
    for (let f = 0; f < fast; f++) {
      const type: ChargerTypeCode = r.chance(0.7) ? '04' : r.pick(['05', '06', '01'] as const);
      chargers.push({ station_id: id, charger_id: String(++n).padStart(2, '0'), charger_type: type, output_kw: r.pick([50, 100, 100, 200]), method: 'simultaneous', kind });
    }
    for (let s = 0; s < slow; s++) {
      const type: ChargerTypeCode = r.chance(0.9) ? '02' : '07';
      // Leave a few outputs unknown, as the real data does.
      const output = r.chance(0.05) ? null : type === '07' ? 22 : r.pick([7, 7, 7, 11, 3]);
      chargers.push({ station_id: id, charger_id: String(++n).padStart(2, '0'), charger_type: type, output_kw: output, method: 'single', kind });
    }
  }
  return { stations, chargers };
}
