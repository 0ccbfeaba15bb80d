/**
 * `gridlake import sensors PATH`: puts flow-meter logger exports (one CSV/text file, or a folder of
 * them; gzipped ones too) into the landing zone, bytes unchanged, for the next run to collect — after reading each
 * whole (read-sensor-csv.ts), so a file that cannot load at all (no header, a mapping naming a
 * column the file lacks, no device) is refused with nothing written. Row-level problems do not
 * refuse the import: they are counted here, summarised by reason, and quarantined by the run.
 *
 * Landing: `landing/flow-sensors/<importId>/<file>…`, then `manifest.json` last (an import without
 * it is still being written and is left alone by the collector).
 */
import { IMPORT_ID, newImportId } from '../landing-imports';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { putJson } from '../../ports/object-store';
import type { StepPorts } from '../../steps/ports';
import { ianaTimezone } from '../../timezone';
import { readSensorCsv, type SensorCsvResult } from './read-sensor-csv';
import { summariseRejects, type RejectGroup } from './reject-summary';
import { ColumnMappingError, parseSensorColumns, type SensorColumns } from './sensor-columns';
import type { DateOrder } from './sensor-timestamps';

export const FLOW_LANDING_PREFIX = 'landing/flow-sensors/';
export const FLOW_MANIFEST = 'manifest.json';

export class SensorImportError extends Error {
  override readonly name = 'SensorImportError';
}

export interface SensorImportOptions {
  /** `--columns`: field=header pairs (sensor-columns.ts). */
  columns?: string;
  /** `--device`: the device of files without a device column. */
  deviceId?: string;
  /** Zone of naive timestamps. */
  timezone: string;
  dateOrder?: DateOrder;
  /** Folder name in the landing zone. Default `imp-<UTC time>-<content hash>`. */
  importId?: string;
}

/** Written last into the landing folder; the collector reads the files with these options. */
export interface SensorImportManifest {
  importId: string;
  importedAt: string;
  files: string[];
  columns: SensorColumns;
  deviceId: string | null;
  timezone: string;
  dateOrder: DateOrder;
}

export interface SensorImportResult {
  importId: string;
  landingPrefix: string;
  bytes: number;
  files: { file: string; counts: SensorCsvResult['counts']; devices: string[]; first: number | null; last: number | null }[];
  /** Every file's rejects grouped by reason (the run quarantines each row). */
  rejects: RejectGroup[];
  timezone: string;
}

const READABLE = /\.(csv|txt|tsv)(\.gz)?$/i;

/** A landed file's text: gzipped files (`.gz`, as loggers' archives come) are unpacked first. */
export function sensorFileText(name: string, body: Uint8Array): string {
  return new TextDecoder().decode(/\.gz$/i.test(name) ? gunzipSync(body) : body);
}

export async function importSensors(path: string, o: SensorImportOptions, ports: Pick<StepPorts, 'lake' | 'clock' | 'log'>): Promise<SensorImportResult> {
  const root = resolve(path);
  if (o.importId !== undefined && !IMPORT_ID.test(o.importId)) throw new SensorImportError(`Import id "${o.importId}" may only contain letters, digits, ".", "_" and "-".`);
  const timezone = ianaTimezone(o.timezone);
  if (timezone === null) throw new SensorImportError(`--timezone "${o.timezone}" is not an IANA timezone: use Area/Location such as Europe/Paris, or UTC.`);
  if (o.deviceId !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(o.deviceId)) {
    throw new SensorImportError(`--device "${o.deviceId}" is not a device id: use 1–64 letters, digits, ".", "_" or "-".`);
  }
  const info = await stat(root).catch(() => null);
  if (!info) throw new SensorImportError(`${root} does not exist: give a logger export (.csv, .txt) or a folder of them.`);
  const paths = info.isDirectory() ? (await readdir(root)).filter((f) => READABLE.test(f)).sort().map((f) => join(root, f)) : [root];
  if (paths.length === 0) throw new SensorImportError(`${root} holds no .csv, .txt or .tsv file (or one of them gzipped) to import.`);
  let columns: SensorColumns;
  try {
    columns = o.columns ? parseSensorColumns(o.columns) : {};
  } catch (e) {
    if (e instanceof ColumnMappingError) throw new SensorImportError(e.message);
    throw e;
  }
  const dateOrder = o.dateOrder ?? 'dmy';

  const hash = createHash('sha256');
  const files: SensorImportResult['files'] = [];
  const rejects: SensorCsvResult['rejects'] = [];
  let bytes = 0;
  for (const p of paths) {
    const body = await readFile(p);
    bytes += body.length;
    hash.update(`${basename(p)}\0`).update(body);
    let read: SensorCsvResult;
    try {
      read = readSensorCsv(sensorFileText(p, body), { file: basename(p), columns, deviceId: o.deviceId, timezone, dateOrder });
    } catch (e) {
      // A layout the reader cannot use at all (header, mapping, device): nothing is written.
      if (e instanceof ColumnMappingError) throw new SensorImportError(e.message);
      throw e;
    }
    let first: number | null = null;
    let last: number | null = null;
    const devices = new Set<string>();
    for (const r of read.readings) {
      devices.add(r.device_id);
      if (first === null || r.minuteMs < first) first = r.minuteMs;
      if (last === null || r.minuteMs > last) last = r.minuteMs;
    }
    files.push({ file: basename(p), counts: read.counts, devices: [...devices].sort(), first, last });
    rejects.push(...read.rejects);
  }
  const now = ports.clock.now();
  const importId = o.importId ?? newImportId(now, hash.digest('hex'));
  const prefix = `${FLOW_LANDING_PREFIX}${importId}/`;
  for (const p of paths) await ports.lake.putFile(`${prefix}${basename(p)}`, p, { contentType: 'text/csv' });
  const manifest: SensorImportManifest = { importId, importedAt: now.toISOString(), files: paths.map((p) => basename(p)), columns, deviceId: o.deviceId ?? null, timezone, dateOrder };
  // Written last: a collector only takes imports whose manifest exists, so it never sees half an import.
  await putJson(ports.lake, `${prefix}${FLOW_MANIFEST}`, manifest);
  ports.log.info('sensors imported', { importId, bytes, files: files.length });
  return { importId, landingPrefix: prefix, bytes, files, rejects: summariseRejects(rejects), timezone };
}
