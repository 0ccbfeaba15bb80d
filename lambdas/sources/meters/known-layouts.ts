/**
 * Exports people actually have, recognised by their header so that importing one needs no flags:
 * which column is which, the unit, and the zones its clock and its meters are in. A layout is
 * recognised when the file's header has exactly its columns (trimmed, any case, any order); flags
 * given on the command line (`--columns`, `--timestamps-zone`, `--timezone`) always win.
 */
import { sameName, type ColumnMapping } from './column-mapping';

export interface KnownLayout {
  /** Short id, shown to the user and stored in the import manifest. */
  id: string;
  /** What the user is told was recognised. */
  title: string;
  /** The header, as the export writes it. */
  header: readonly string[];
  columns: ColumnMapping;
  /** The file holds one meter, named by the file (`3000.csv` → meter 3000). */
  meterFromFileName?: boolean;
  /** Zone of the export's naive timestamps, when the export documents one. */
  timestampsZone?: string;
  /** Home zone of the export's meters (their local days), when the export documents one. */
  timezone?: string;
}

export const KNOWN_LAYOUTS: readonly KnownLayout[] = [
  {
    // Low Carbon London smart-meter trial, as republished per block ("Smart meters in London",
    // halfhourly_dataset/block_N.csv): half-hourly kWh, clock in GMT all year (no BST shift), London homes.
    id: 'london-smart-meters',
    title: 'London smart-meter half-hourly layout (LCLid,tstp,energy(kWh/hh)): kWh per half hour, clock in UTC, homes in Europe/London',
    header: ['LCLid', 'tstp', 'energy(kWh/hh)'],
    columns: { meter_id: 'LCLid', timestamp: 'tstp', kwh: 'energy(kWh/hh)' },
    timestampsZone: 'UTC',
    timezone: 'Europe/London',
  },
  {
    // The same trial as UK Power Networks published it (LCL-June2015v2_N.csv); stdorToU (tariff) is not read.
    id: 'london-smart-meters-ukpn',
    title: 'London smart-meter UKPN layout (LCLid,stdorToU,DateTime,KWH/hh (per half hour)): kWh per half hour, clock in UTC, homes in Europe/London',
    header: ['LCLid', 'stdorToU', 'DateTime', 'KWH/hh (per half hour)'],
    columns: { meter_id: 'LCLid', timestamp: 'DateTime', kwh: 'KWH/hh (per half hour)' },
    timestampsZone: 'UTC',
    timezone: 'Europe/London',
  },
  {
    // One file of the energy app's export (consumption/<meter_id>.csv) given on its own.
    id: 'smap-consumption',
    title: 'energy-app consumption file (datetime,consumption): Wh per 30 minutes, the meter named by the file',
    header: ['datetime', 'consumption'],
    columns: { timestamp: 'datetime', wh: 'consumption' },
    meterFromFileName: true,
  },
];

/** The known layout whose columns are exactly these header names, or null. */
export function recogniseLayout(header: readonly string[]): KnownLayout | null {
  const names = header.map((h) => h.trim()).filter((h) => h !== '');
  return (
    KNOWN_LAYOUTS.find((layout) => layout.header.length === names.length && layout.header.every((h) => names.some((n) => sameName(n, h)))) ?? null
  );
}
