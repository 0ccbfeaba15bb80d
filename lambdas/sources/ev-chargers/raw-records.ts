/**
 * The ev-chargers collector's output as raw records, one list per dataset, for the pipeline's one
 * transform → quarantine → load path (lambdas/sql/transform/<dataset>.sql).
 *
 * The readers here already decided each source row's fate; the raw records carry every row so the
 * run reconciles rows in = loaded + duplicates + quarantined exactly as the reader counted:
 * - a loaded row, normalised (national codes, UTC instants), at its first position;
 * - a repeat (duplicate) as a copy of the row kept, after it: the transform keeps the first of a
 *   key and counts the rest as duplicates;
 * - a row the reader could not load, with its key fields and `reject_reason`: the transform
 *   quarantines it with that reason.
 * Withheld fields are not rows: they travel beside the raw records (the collector writes them).
 */
import { chargerStatus } from '../../datasets/charger_status';
import { chargers } from '../../datasets/chargers';
import { chargingStations } from '../../datasets/charging_stations';
import type { ChargerRow, ChargerStatusRow, ChargingStationRow, EvTable, QuarantinedRow, WithheldFields, DuplicateRow } from './rows';

export type RawValue = string | number | boolean | null;
export type RawRecord = Record<string, RawValue>;

/**
 * Raw fields per dataset, in order, from the declarations (lambdas/datasets/): the table's columns
 * plus `reject_reason`, the reader's verdict.
 */
export const RAW_FIELDS: Readonly<Record<EvTable, readonly string[]>> = {
  charging_stations: chargingStations.raw.fields,
  chargers: chargers.raw.fields,
  charger_status: chargerStatus.raw.fields,
};

export interface RawBundle {
  records: Record<EvTable, RawRecord[]>;
  withheld: WithheldFields[];
}

export interface ReaderOutput {
  stations: readonly ChargingStationRow[];
  chargers: readonly ChargerRow[];
  statuses: readonly ChargerStatusRow[];
  duplicates?: readonly DuplicateRow[];
  quarantine?: readonly QuarantinedRow[];
  withheld?: readonly WithheldFields[];
}

const KEYS: Readonly<Record<EvTable, readonly string[]>> = {
  charging_stations: ['station_id'],
  chargers: ['station_id', 'charger_id'],
  charger_status: ['station_id', 'charger_id', 'observed_at'],
};

/** Source columns (seed files, national API) holding each key field of a quarantined row. */
const KEY_SOURCES: Readonly<Record<string, readonly string[]>> = {
  station_id: ['STAT_ID', 'statId'],
  charger_id: ['CHARGER_ID', 'chgerId'],
};

export function rawRecords(out: ReaderOutput): RawBundle {
  const rows: Record<EvTable, readonly object[]> = { charging_stations: out.stations, chargers: out.chargers, charger_status: out.statuses };
  const records = {} as Record<EvTable, RawRecord[]>;
  for (const table of Object.keys(RAW_FIELDS) as EvTable[]) {
    const list: RawRecord[] = rows[table].map((r) => record(table, r as Record<string, RawValue>, null));
    const byKey = new Map(list.map((r) => [keyOf(table, r), r]));
    for (const d of out.duplicates ?? []) {
      if (d.table !== table) continue;
      const kept = byKey.get(keyOf(table, d.key));
      // The readers count a repeat only against a row they kept; anything else would lose a row.
      if (!kept) throw new Error(`${d.file} line ${d.line}: a ${table} duplicate of ${JSON.stringify(d.key)}, which no loaded row has.`);
      list.push({ ...kept });
    }
    for (const q of out.quarantine ?? []) {
      if (q.table !== table) continue;
      const key: Record<string, RawValue> = {};
      for (const field of KEYS[table]) key[field] = KEY_SOURCES[field]?.map((c) => q.record[c]).find((v) => v !== undefined && v !== '') ?? null;
      list.push(record(table, key, q.reason));
    }
    records[table] = list;
  }
  return { records, withheld: [...(out.withheld ?? [])] };
}

function record(table: EvTable, values: Record<string, RawValue>, rejectReason: string | null): RawRecord {
  const r: RawRecord = {};
  for (const f of RAW_FIELDS[table]) r[f] = f === 'reject_reason' ? rejectReason : (values[f] ?? null);
  return r;
}

function keyOf(table: EvTable, r: Record<string, RawValue>): string {
  return KEYS[table].map((k) => String(r[k])).join('\u001f');
}
