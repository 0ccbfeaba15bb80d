/**
 * `gridlake import meters PATH`: puts meter CSVs into the landing zone, bytes unchanged, for the next
 * run to collect. PATH is one CSV file, a folder of CSV files, or the seed energy app's export
 * folder as is (`user_data.csv` = `id,area,tariff` beside `consumption/<meter_id>.csv` =
 * `datetime,consumption` in Wh per 30 minutes, naive local times). Files may be gzip-compressed
 * (`.csv.gz`). Foreign headers are read through `--columns` (column-mapping.ts) or recognised
 * (known-layouts.ts: the London smart-meter trial, the energy app's consumption file); naive
 * timestamps may be in another zone than the meters' (`--timestamps-zone`).
 * Everything is validated before anything is written, so a bad path leaves the landing zone untouched.
 */
import { IMPORT_ID, newImportId } from '../landing-imports';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { putJson } from '../../ports/object-store';
import { ianaTimezone } from '../../timezone';
import type { StepPorts } from '../../steps/ports';
import { CSV_DELIMITERS, detectMeterCsv, NotAMeterCsvError, parseCsvLine } from '../../steps/transform/csv-header';
import { assertCompleteGzip, GzipReadError, readCsvHeaderLine } from '../../steps/transform/gzip-csv';
import { assertMappingFits, ColumnMappingError, columnMapOption, parseColumnsOption, type ColumnMapping } from './column-mapping';
import { recogniseLayout, type KnownLayout } from './known-layouts';
import { headerLimitProblem } from '../../steps/transform/csv-intake';
import { CSV_LIMITS } from '../../steps/transform/csv-survey';
import { LANDING_PREFIX, MANIFEST, type ImportFile, type ImportManifest, type ImportMeter } from './manifest';

export interface ImportOptions {
  /** IANA timezone of the meters (their local days), and of naive timestamps unless `timestampsZone` is given. Default: a recognised layout's, else config.meters.defaultTimezone. */
  timezone?: string;
  /** IANA timezone the naive timestamps are written in, when not the meters' (e.g. UTC). Default: a recognised layout's, else `timezone`. */
  timestampsZone?: string;
  /** `field=header,…` (fields meter_id, timestamp, kwh or wh): which column holds what. Default: a recognised layout's, else the header names meter_id,timestamp,kwh|wh. */
  columns?: string;
  /** Folder name in the landing zone. Default: `imp-<UTC time>-<content hash>`. */
  importId?: string;
}

export interface ImportResult {
  importId: string;
  layout: ImportManifest['layout'];
  files: number;
  bytes: number;
  meters: number | null;
  /** The meters' zone (local days). */
  timezone: string;
  /** Where naive timestamps are read, when not in `timezone` (one zone for every file), else null. */
  timestampsZone: string | null;
  /** Known layouts recognised by their header, with how many files each. */
  recognised: { layout: string; title: string; files: number }[];
  landingPrefix: string;
  /** Files in the folder that are not .csv and were not imported (shown to the user). */
  skipped: string[];
}

export class MeterImportError extends Error {
  override readonly name = 'MeterImportError';
}

/** The seed app's export names the reading columns differently and keeps the meter in the file name. */
const EXPORT_COLUMN_MAP = 'datetime=timestamp,consumption=wh';

/** What an import needs (no warehouse: a refused import leaves nothing behind, not even an empty warehouse). */
export type ImportPorts = Pick<StepPorts, 'config' | 'lake' | 'clock' | 'log'>;

export async function importMeters(path: string, options: ImportOptions, ports: ImportPorts): Promise<ImportResult> {
  const root = resolve(path);
  const zoneOption = (flag: string, given: string | undefined): string | undefined => {
    if (given === undefined) return undefined;
    const zone = ianaTimezone(given);
    if (zone === null) throw new MeterImportError(`${flag} "${given}" is not an IANA timezone: use Area/Location such as Asia/Tokyo, or UTC.`);
    return zone;
  };
  const givenTimezone = zoneOption('--timezone', options.timezone);
  const givenTimestampsZone = zoneOption('--timestamps-zone', options.timestampsZone);
  let mapping: ColumnMapping | undefined;
  try {
    mapping = options.columns === undefined ? undefined : parseColumnsOption(options.columns);
  } catch (e) {
    if (e instanceof ColumnMappingError) throw new MeterImportError(e.message);
    throw e;
  }
  if (options.importId !== undefined && !IMPORT_ID.test(options.importId)) {
    throw new MeterImportError(`Import id "${options.importId}" may only contain letters, digits, ".", "_" and "-".`);
  }
  const info = await stat(root).catch(() => null);
  if (!info) throw new MeterImportError(`${root} does not exist: give a meter CSV file, a folder of CSV files, or an export folder (user_data.csv + consumption/).`);

  let base: string;
  let layout: ImportManifest['layout'] = 'csv';
  let files: ImportFile[];
  let meters: ImportMeter[] | undefined;
  const skipped: string[] = [];
  if (info.isFile()) {
    if (!CSV_NAME.test(root)) throw new MeterImportError(`${root} is not a .csv or .csv.gz file: meter imports are CSV files with a header meter_id,timestamp,kwh (or wh).`);
    base = resolve(root, '..');
    files = [{ path: basename(root) }];
  } else if (existsSync(join(root, 'user_data.csv')) && existsSync(join(root, 'consumption'))) {
    base = root;
    layout = 'smap-export';
    const csvs = await csvFilesUnder(join(root, 'consumption'), skipped);
    if (csvs.length === 0) throw new MeterImportError(`${join(root, 'consumption')} has no .csv files: the export folder needs consumption/<meter_id>.csv.`);
    files = csvs.map((p) => ({ path: toPosix(relative(root, p)), meterId: basename(p).replace(CSV_NAME, ''), columnMap: EXPORT_COLUMN_MAP }));
  } else {
    base = root;
    const csvs = await csvFilesUnder(root, skipped);
    if (csvs.length === 0) throw new MeterImportError(`${root} has no .csv files: put meter CSVs (meter_id,timestamp,kwh) in it, or point at one file.`);
    files = csvs.map((p) => ({ path: toPosix(relative(root, p)) }));
  }

  const recognised = await assertMeterCsvs(base, files, mapping);
  // Zones: the flags, else what every file's recognised layout documents, else the configured default.
  const common = <K extends 'timezone' | 'timestampsZone'>(key: K): string | undefined => {
    const zones = new Set(files.map((f) => (f.layout ? recognised.get(f.layout)?.layout[key] : undefined)));
    return zones.size === 1 ? [...zones][0] : undefined;
  };
  const timezone = givenTimezone ?? common('timezone') ?? ports.config.meters.defaultTimezone;
  if (givenTimestampsZone === undefined) {
    // A recognised layout's clock, per file (a flag would set it for all of them).
    for (const f of files) {
      const zone = f.layout ? recognised.get(f.layout)?.layout.timestampsZone : undefined;
      if (zone && zone !== timezone) f.timestampsZone = zone;
    }
  }
  if (layout === 'smap-export') meters = await readUserData(join(base, 'user_data.csv'), timezone);
  const sharedTimestampsZone = givenTimestampsZone ?? common('timestampsZone');

  const sources = files.map((f) => join(base, f.path));
  if (layout === 'smap-export') sources.push(join(base, 'user_data.csv'));
  let bytes = 0;
  const hash = createHash('sha256');
  for (const s of sources) {
    const st = await stat(s);
    bytes += st.size;
    hash.update(`${toPosix(relative(base, s))}\0${st.size}\0${st.mtimeMs}\n`);
  }
  const now = ports.clock.now();
  const importId = options.importId ?? newImportId(now, hash.digest('hex'));
  const prefix = `${LANDING_PREFIX}${importId}/`;

  for (const s of sources) await ports.lake.putFile(`${prefix}${toPosix(relative(base, s))}`, s, { contentType: 'text/csv' });
  const manifest: ImportManifest = { importId, layout, timezone, timestampsZone: givenTimestampsZone, importedAt: now.toISOString(), files, meters };
  // Written last: collect only takes imports whose manifest exists, so it never sees half an import.
  await putJson(ports.lake, `${prefix}${MANIFEST}`, manifest);
  ports.log.info('meters imported', { importId, layout, files: files.length, bytes });
  return {
    importId,
    layout,
    files: files.length,
    bytes,
    meters: meters?.length ?? null,
    timezone,
    timestampsZone: sharedTimestampsZone !== undefined && sharedTimestampsZone !== timezone ? sharedTimestampsZone : null,
    recognised: [...recognised.values()].map((r) => ({ layout: r.layout.id, title: r.layout.title, files: r.files })),
    landingPrefix: prefix,
    skipped: skipped.map((p) => toPosix(relative(base, p))),
  };
}

/**
 * Reads each file's header as the transform will (delimiter, required columns) before anything is
 * copied: a file that is not a meter CSV would otherwise land, fail its batch in every run of its
 * date, and keep the run failed until someone removed it from the lake. All problems at once.
 * Sets each file's column map (`--columns`, else a layout recognised by its header) and returns the
 * layouts recognised. A compressed file is read to its end: a truncated one is refused here.
 */
async function assertMeterCsvs(base: string, files: ImportFile[], mapping: ColumnMapping | undefined): Promise<Map<string, { layout: KnownLayout; files: number }>> {
  const problems: string[] = [];
  const mappingProblems: string[] = [];
  const recognised = new Map<string, { layout: KnownLayout; files: number }>();
  for (const f of files) {
    const path = join(base, f.path);
    try {
      const header = await readCsvHeaderLine(path, path, CSV_LIMITS.maxLineBytes + 1);
      if (header === null) continue; // an empty file is valid: no rows
      // Limits first: a 1-million-column header is refused before it is split into columns.
      const tooBig = headerLimitProblem(header);
      if (tooBig) {
        problems.push(`${path}: ${tooBig}`);
        continue;
      }
      if (mapping) {
        assertMappingFits(path, header, mapping);
        f.columnMap = columnMapOption(mapping);
      } else if (!f.columnMap) {
        const known = recogniseHeader(header);
        if (known) {
          f.columnMap = columnMapOption(known.columns);
          f.layout = known.id;
          if (known.meterFromFileName) f.meterId = basename(path).replace(CSV_NAME, '');
          recognised.set(known.id, { layout: known, files: (recognised.get(known.id)?.files ?? 0) + 1 });
        }
      }
      detectMeterCsv(path, header, { columnMap: f.columnMap, meterId: f.meterId });
      await assertCompleteGzip(path, path);
    } catch (e) {
      if (e instanceof ColumnMappingError) mappingProblems.push(e.message);
      else if (e instanceof NotAMeterCsvError || e instanceof GzipReadError) problems.push(e.message);
      else throw e;
    }
  }
  if (mappingProblems.length) throw new MeterImportError(`Nothing was imported: ${mappingProblems.join('\n  ')}`);
  if (problems.length) {
    throw new MeterImportError(
      `Nothing was imported: ${problems.length} of ${files.length} file(s) cannot be read as meter readings. Fix or remove them, then import again.\n  ${problems.join('\n  ')}`,
    );
  }
  return recognised;
}

/** The known layout of a header line, split by whichever delimiter recognises one. */
function recogniseHeader(headerLine: string): KnownLayout | null {
  for (const delimiter of CSV_DELIMITERS) {
    const layout = recogniseLayout(parseCsvLine(headerLine, delimiter));
    if (layout) return layout;
  }
  return null;
}

/** Every .csv and .csv.gz below `dir`, sorted (stable batch order); other files go to `skipped`. */
async function csvFilesUnder(dir: string, skipped: string[]): Promise<string[]> {
  const out: string[] = [];
  const visit = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) await visit(full);
      else if (entry.isFile() && CSV_NAME.test(entry.name)) out.push(full);
      else if (entry.isFile() && !entry.name.startsWith('.')) skipped.push(full);
    }
  };
  await visit(dir);
  return out.sort();
}

/** user_data.csv: `id,area,tariff` (any order) → the import's meter list in `timezone`. */
async function readUserData(path: string, timezone: string): Promise<ImportMeter[]> {
  let text = await readFile(path, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = parseCsvLine(lines[0] ?? '').map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (col('id') === -1) throw new MeterImportError(`${path} has no "id" column (found: ${header.join(', ')}): the export's user_data.csv starts with "id,area,tariff".`);
  return lines.slice(1).map((line, i) => {
    const f = parseCsvLine(line);
    const id = f[col('id')]?.trim();
    if (!id) throw new MeterImportError(`${path} line ${i + 2}: empty id.`);
    const pick = (name: string) => (col(name) === -1 ? null : (f[col(name)]?.trim() || null));
    return { meter_id: id, timezone, area: pick('area'), tariff: pick('tariff') };
  });
}

const toPosix = (p: string) => p.split(sep).join('/');
/** A meter file's name: CSV, optionally gzip-compressed. */
const CSV_NAME = /\.csv(\.gz)?$/i;
