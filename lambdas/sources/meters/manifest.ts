/**
 * The manifest of one meters import, written last into `landing/meters/<importId>/manifest.json`
 * (an import without it is still being written and is left alone) and copied into raw with the files.
 */
import { z } from 'zod';

export const ImportFileSchema = z.object({
  /** Path inside the import folder, e.g. `readings.csv` or `consumption/3000.csv`. */
  path: z.string().min(1),
  /** The meter of every row, for files named after their meter (the seed app's export). */
  meterId: z.string().optional(),
  /** Header renames for the transform: "from=to,…" (e.g. "datetime=timestamp,consumption=wh") or JSON field → header. */
  columnMap: z.string().optional(),
  /** The known export layout recognised from the file's header (known-layouts.ts), if any. */
  layout: z.string().optional(),
  /** Zone of this file's naive timestamps when it is not the import's `timezone` (a known layout's clock). */
  timestampsZone: z.string().optional(),
});

export const ImportMeterSchema = z.object({
  meter_id: z.string().min(1),
  timezone: z.string().min(1),
  area: z.string().nullable().optional(),
  tariff: z.string().nullable().optional(),
});

export const ImportManifestSchema = z.object({
  importId: z.string().regex(/^[A-Za-z0-9._-]+$/),
  /** `csv` (files or a folder of meter CSVs) or `smap-export` (user_data.csv + consumption/). */
  layout: z.enum(['csv', 'smap-export']),
  /** IANA timezone of the meters (their local days); also of naive timestamps unless `timestampsZone` says otherwise. */
  timezone: z.string(),
  /** IANA timezone the files' naive timestamps are written in, when not the meters' (`--timestamps-zone`). */
  timestampsZone: z.string().optional(),
  importedAt: z.string(),
  /** Readings files (the meter list file is not among them). */
  files: z.array(ImportFileSchema),
  /** The meters of the import, when the layout names them (export: user_data.csv). */
  meters: z.array(ImportMeterSchema).optional(),
});

export type ImportFile = z.infer<typeof ImportFileSchema>;
export type ImportMeter = z.infer<typeof ImportMeterSchema>;
export type ImportManifest = z.infer<typeof ImportManifestSchema>;

export const LANDING_PREFIX = 'landing/meters/';
export const MANIFEST = 'manifest.json';
