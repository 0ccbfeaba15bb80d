/**
 * `station_info.csv` of the charging-station seed → `charging_stations` rows.
 *
 * A station may be listed more than once: Seoul's city data API answers per area, and a station near
 * two areas comes back under both (the real Gwanghwamun file lists 2 of its 33 stations twice, with
 * different access details). One station is one row: the first listing is kept, its empty fields
 * filled from later listings; every later listing counts as a duplicate, `merged` with the fields
 * that disagreed named. Area columns (AREA_INFO, AREA_CONGEST_LVL, DATA_UPDATE_TIME) describe the
 * listing, not the station, so they never make two listings differ.
 */
import { parseCsvText, requireColumns } from './csv-records';
import { koreaTimeToUtc } from './korea-time';
import type { ChargingStationRow, DuplicateRow, QuarantinedRow, TableCounts } from './rows';

const REQUIRED = ['STAT_ID', 'STAT_NM', 'STAT_X', 'STAT_Y'] as const;
const AREA_COLUMNS = new Set(['AREA_INFO', 'AREA_CONGEST_LVL', 'DATA_UPDATE_TIME']);

export interface StationListing {
  row: ChargingStationRow;
  line: number;
  /** UTC instants of DATA_UPDATE_TIME over the station's listings (empty when the column is absent). */
  updateTimes: string[];
  /** The kept listing's fields as written, to tell an exact repeat from a differing one. */
  fields: string[];
}

export interface SeedStations {
  stations: Map<string, StationListing>;
  hasUpdateTime: boolean;
  duplicates: DuplicateRow[];
  quarantine: QuarantinedRow[];
  counts: TableCounts;
}

export function readStationCsv(text: string, file: string, timezone: string): SeedStations {
  const table = parseCsvText(text, file);
  const col = requireColumns(table, file, REQUIRED);
  const hasUpdateTime = col.has('DATA_UPDATE_TIME');
  const stations = new Map<string, StationListing>();
  const duplicates: DuplicateRow[] = [];
  const quarantine: QuarantinedRow[] = [];
  const counts: TableCounts = { rowsIn: table.records.length + table.malformed.length, loaded: 0, duplicates: 0, quarantined: 0, withheld: 0 };
  const asRecord = (fields: string[]) => Object.fromEntries(table.header.map((h, i) => [h, fields[i] ?? '']));

  for (const m of table.malformed) {
    quarantine.push({ table: 'charging_stations', file, line: m.line, field: null, reason: m.reason, record: asRecord(m.fields) });
  }
  for (const { line, fields } of table.records) {
    const get = (name: string) => (col.has(name) ? fields[col.get(name)!]!.trim() : '');
    const record = asRecord(fields);
    const reject = (field: string | null, reason: string) => quarantine.push({ table: 'charging_stations', file, line, field, reason: `${file} line ${line}: ${reason}`, record });

    const stationId = get('STAT_ID');
    if (!stationId) {
      reject('STAT_ID', 'STAT_ID is empty; every station needs its id');
      continue;
    }
    const lon = coordinate(get('STAT_X'), -180, 180);
    const lat = coordinate(get('STAT_Y'), -90, 90);
    if (lon === undefined || lat === undefined) {
      const field = lon === undefined ? 'STAT_X' : 'STAT_Y';
      reject(field, `${field} "${get(field)}" is not a ${field === 'STAT_X' ? 'longitude (−180…180)' : 'latitude (−90…90)'} in degrees`);
      continue;
    }
    const parking = yesNo(get('STAT_PARKPAY'));
    const limited = yesNo(get('STAT_LIMITYN'));
    if (parking === undefined || limited === undefined) {
      const field = parking === undefined ? 'STAT_PARKPAY' : 'STAT_LIMITYN';
      reject(field, `${field} "${get(field)}" is not Y or N`);
      continue;
    }
    let updateTime: string | null = null;
    if (hasUpdateTime && get('DATA_UPDATE_TIME') !== '') {
      updateTime = koreaTimeToUtc(get('DATA_UPDATE_TIME'), timezone);
      if (updateTime === null) {
        reject('DATA_UPDATE_TIME', `DATA_UPDATE_TIME "${get('DATA_UPDATE_TIME')}" is not a time YYYY-MM-DD HH:MM`);
        continue;
      }
    }
    const row: ChargingStationRow = {
      station_id: stationId,
      name: get('STAT_NM'),
      address: get('STAT_ADDR') || null,
      lon,
      lat,
      usage_time: get('STAT_USETIME') || null,
      parking_fee: parking,
      access_limited: limited,
      kind: get('STAT_KINDDETAIL') || null,
    };
    const kept = stations.get(stationId);
    if (!kept) {
      stations.set(stationId, { row, line, updateTimes: updateTime ? [updateTime] : [], fields });
      continue;
    }
    if (updateTime && !kept.updateTimes.includes(updateTime)) kept.updateTimes.push(updateTime);
    fillFrom(kept.row, row);
    // The listing's station columns (not the area ones) that differ from the kept listing's.
    const conflicts = differingColumns(table.header, fields, kept.fields);
    duplicates.push({ table: 'charging_stations', file, line, keptLine: kept.line, key: { station_id: stationId }, kind: conflicts.length ? 'merged' : 'exact', conflicts });
  }
  counts.quarantined = quarantine.length;
  counts.duplicates = duplicates.length;
  counts.loaded = stations.size;
  return { stations, hasUpdateTime, duplicates, quarantine, counts };
}

/** Fills `kept`'s empty fields from a later listing; where both have a value, the first listing's wins. */
function fillFrom(kept: ChargingStationRow, later: ChargingStationRow): void {
  for (const key of Object.keys(kept) as (keyof ChargingStationRow)[]) {
    if (kept[key] === null && later[key] !== null) (kept as unknown as Record<string, unknown>)[key] = later[key];
  }
}

/** Source columns (not the area ones) where a listing differs from the kept one. */
function differingColumns(header: string[], fields: string[], keptFields: string[]): string[] {
  return header.filter((h, i) => !AREA_COLUMNS.has(h.toUpperCase()) && (fields[i] ?? '').trim() !== (keptFields[i] ?? '').trim());
}

/** Degrees in range, null when empty, undefined when unreadable or out of range. */
function coordinate(text: string, lo: number, hi: number): number | null | undefined {
  if (text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) && n >= lo && n <= hi ? n : undefined;
}

function yesNo(text: string): boolean | null | undefined {
  const t = text.toUpperCase();
  if (t === '') return null;
  if (t === 'Y') return true;
  if (t === 'N') return false;
  return undefined;
}
