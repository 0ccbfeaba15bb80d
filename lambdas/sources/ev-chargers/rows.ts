/**
 * The rows of the three EV tables (analysts rely on these names and columns; docs/EV.md), and what
 * a reader reports beside them: duplicates, quarantined rows and withheld fields, reconciled per
 * table as rows in = loaded + duplicates + quarantined.
 */
import type { StatusCode } from './status-codes';

export const EV_TABLES = ['charging_stations', 'chargers', 'charger_status'] as const;
export type EvTable = (typeof EV_TABLES)[number];

export interface ChargingStationRow {
  station_id: string;
  name: string;
  address: string | null;
  /** WGS84 degrees. */
  lon: number | null;
  lat: number | null;
  /** Opening hours as the source writes them (free text, e.g. `24시간 이용가능`). */
  usage_time: string | null;
  /** The site charges for parking. */
  parking_fee: boolean | null;
  /** Access is restricted (residents, staff, RFID card only, …). */
  access_limited: boolean | null;
  /** Kind of site as the source writes it (`공영주차장` public car park, `아파트` apartments, …). */
  kind: string | null;
}

export interface ChargerRow {
  station_id: string;
  /** Unique within a station; text, because leading zeros are part of it (`01`). */
  charger_id: string;
  /** National `chgerType` code `01`…`07` (charger-types.ts). */
  charger_type: string;
  output_kw: number | null;
  method: 'single' | 'simultaneous' | null;
}

export interface ChargerStatusRow {
  station_id: string;
  charger_id: string;
  /** UTC ISO instant of the snapshot that saw this status. */
  observed_at: string;
  status_code: StatusCode;
  /** The label the source gave (Korean), or the national label of the code. */
  status_label: string;
  /** The last completed charging session, UTC; both null when withheld (end before start). */
  last_charge_start: string | null;
  last_charge_end: string | null;
  /** Start of the session in progress, only while charging (status 3). */
  charging_since: string | null;
}

/** A row that is not loaded, with where it came from and why. */
export interface QuarantinedRow {
  table: EvTable;
  file: string;
  line: number | null;
  field: string | null;
  reason: string;
  record: Record<string, string>;
}

/** A loaded row with one or more fields withheld (set to null) because they were impossible. */
export interface WithheldFields {
  table: EvTable;
  file: string;
  line: number | null;
  fields: string[];
  reason: string;
  key: Record<string, string>;
}

export interface DuplicateRow {
  table: EvTable;
  file: string;
  line: number | null;
  /** The line of the row kept. */
  keptLine: number | null;
  /** The natural key of the row kept (and repeated). */
  key: Record<string, string>;
  /** `exact`: the same row again; `merged`: the same key with other details, folded into the kept row. */
  kind: 'exact' | 'merged';
  /** For `merged`: fields whose values differed (the kept row's value wins). */
  conflicts: string[];
}

export interface TableCounts {
  rowsIn: number;
  loaded: number;
  duplicates: number;
  quarantined: number;
  /** Loaded rows with some fields withheld (already counted in `loaded`). */
  withheld: number;
}

export function emptyCounts(): Record<EvTable, TableCounts> {
  const zero = (): TableCounts => ({ rowsIn: 0, loaded: 0, duplicates: 0, quarantined: 0, withheld: 0 });
  return { charging_stations: zero(), chargers: zero(), charger_status: zero() };
}
