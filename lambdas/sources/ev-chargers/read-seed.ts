/**
 * `gridlake import chargers DIR [--observed-at ISO]`: reads a folder in the charging-station seed's
 * layout (`station_info.csv`, `charger_info.csv`) into rows of `charging_stations`, `chargers` and
 * `charger_status`, with duplicates, quarantined rows and withheld fields reconciled per table.
 *
 * The observed time of the statuses comes from a DATA_UPDATE_TIME column (Korea time) when the files
 * have one; otherwise `--observed-at` is required (the seed's own files carry no time). Pure over a
 * small file port, so tests and the CLI share it.
 */
import { instantFromUser, KOREA_TIMEZONE } from './korea-time';
import { emptyCounts, type ChargerRow, type ChargerStatusRow, type ChargingStationRow, type DuplicateRow, type EvTable, type QuarantinedRow, type TableCounts, type WithheldFields } from './rows';
import { readChargerCsv } from './seed-chargers';
import { readStationCsv } from './seed-stations';
import { decodeText } from './text-encoding';

export const STATION_FILE = 'station_info.csv';
export const CHARGER_FILE = 'charger_info.csv';

export interface SeedFilePort {
  /** The file's bytes, or null when it does not exist (the encoding is found by text-encoding.ts). */
  readBytes(path: string): Promise<Uint8Array | null>;
  join(dir: string, name: string): string;
}

export interface SeedReadOptions {
  /** `--observed-at`: ISO-8601 with an offset, or naive (read in `timezone`). */
  observedAt?: string;
  /** Zone of the files' naive times. Default Asia/Seoul. */
  timezone?: string;
}

export interface SeedImport {
  stations: ChargingStationRow[];
  chargers: ChargerRow[];
  statuses: ChargerStatusRow[];
  duplicates: DuplicateRow[];
  quarantine: QuarantinedRow[];
  withheld: WithheldFields[];
  counts: Record<EvTable, TableCounts>;
  /** How many statuses took their observed time from their own row, their station, or --observed-at. */
  observedFrom: { row: number; station: number; option: number };
}

export class ChargerImportError extends Error {
  override readonly name = 'ChargerImportError';
}

export async function readChargerSeed(dir: string, options: SeedReadOptions, files: SeedFilePort): Promise<SeedImport> {
  const timezone = options.timezone ?? KOREA_TIMEZONE;
  let observedAt: string | null = null;
  if (options.observedAt !== undefined) {
    observedAt = instantFromUser(options.observedAt, timezone);
    if (observedAt === null) {
      throw new ChargerImportError(`--observed-at "${options.observedAt}" is not an ISO time: use e.g. 2023-08-09T23:00+09:00 (a time without offset is read in ${timezone}).`);
    }
  }
  const stationPath = files.join(dir, STATION_FILE);
  const chargerPath = files.join(dir, CHARGER_FILE);
  const [stationBytes, chargerBytes] = await Promise.all([files.readBytes(stationPath), files.readBytes(chargerPath)]);
  const stationText = stationBytes === null ? null : decodeText(stationBytes, stationPath).text;
  const chargerText = chargerBytes === null ? null : decodeText(chargerBytes, chargerPath).text;
  const missing = [stationText === null ? STATION_FILE : null, chargerText === null ? CHARGER_FILE : null].filter(Boolean);
  if (missing.length) {
    throw new ChargerImportError(`${dir} has no ${missing.join(' and no ')}: import chargers reads a folder with station_info.csv and charger_info.csv (the charging-station seed's layout).`);
  }
  const stations = readStationCsv(stationText!, stationPath, timezone);
  const chargerHeader = chargerText!.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]!.toUpperCase().split(',').map((h) => h.trim());
  if (!stations.hasUpdateTime && !chargerHeader.includes('DATA_UPDATE_TIME') && observedAt === null) {
    throw new ChargerImportError(
      `${dir}: the files have no DATA_UPDATE_TIME column, so the time of these statuses is unknown: pass --observed-at with the time the snapshot was taken, e.g. --observed-at 2023-08-09T23:00+09:00.`,
    );
  }
  const chargers = readChargerCsv(chargerText!, chargerPath, { timezone, observedAt, stations: stations.stations });
  const counts = emptyCounts();
  counts.charging_stations = stations.counts;
  counts.chargers = chargers.counts.chargers;
  counts.charger_status = chargers.counts.charger_status;
  return {
    stations: [...stations.stations.values()].map((s) => s.row),
    chargers: chargers.chargers,
    statuses: chargers.statuses,
    duplicates: [...stations.duplicates, ...chargers.duplicates],
    quarantine: [...stations.quarantine, ...chargers.quarantine],
    withheld: chargers.withheld,
    counts,
    observedFrom: chargers.observedFrom,
  };
}
