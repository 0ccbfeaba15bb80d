/**
 * The meters source: smart-meter CSV files imported by people (`gridlake import meters PATH`) into
 * the landing zone, collected into raw by the next run. Datasets: the meter registry (when an import
 * names its meters) and interval readings.
 */
import type { SourceModule } from '../source';
import { collectMeters } from './collect';

export const metersSource: SourceModule<'meters'> = {
  name: 'meters',
  description: 'Smart-meter interval readings imported from CSV files (meter_id,timestamp,kwh|wh; or the seed app export folder).',
  datasets: ['meters', 'meter_readings'],
  collect: collectMeters,
};

export { importMeters, MeterImportError, type ImportOptions, type ImportResult } from './import-meters';
export type { ImportManifest } from './manifest';
