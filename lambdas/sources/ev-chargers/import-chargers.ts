/**
 * `gridlake import chargers DIR [--observed-at ISO]`: puts a folder in the charging-station seed's
 * layout into the landing zone, bytes unchanged, for the next run to collect — after reading it
 * whole (read-seed.ts), so a folder that cannot load (missing file or column, no observed time,
 * an unterminated quote) is refused with nothing written. Row-level problems do not refuse the
 * import: they are counted here and quarantined by the run, as for every source.
 *
 * Landing: `landing/ev-chargers/<importId>/station_info.csv`, `charger_info.csv`, then
 * `manifest.json` last (an import without it is still being written and is left alone).
 */
import { IMPORT_ID, newImportId } from '../landing-imports';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { putJson } from '../../ports/object-store';
import type { StepPorts } from '../../steps/ports';
import { CHARGER_FILE, ChargerImportError, readChargerSeed, STATION_FILE, type SeedFilePort, type SeedImport } from './read-seed';
import { instantFromUser, KOREA_TIMEZONE } from './korea-time';
import type { EvTable, TableCounts } from './rows';

export const EV_LANDING_PREFIX = 'landing/ev-chargers/';
export const EV_MANIFEST = 'manifest.json';

export interface ChargerImportOptions {
  /** `--observed-at`: required when the files have no DATA_UPDATE_TIME column. */
  observedAt?: string;
  /** Zone of the files' naive times. Default Asia/Seoul. */
  timezone?: string;
  /** Folder name in the landing zone. Default `imp-<UTC time>-<content hash>`. */
  importId?: string;
}

/** Written last into the landing folder; the collector reads the files with these options. */
export interface ChargerImportManifest {
  importId: string;
  importedAt: string;
  /** UTC ISO instant from `--observed-at`, or null when the files carry DATA_UPDATE_TIME. */
  observedAt: string | null;
  timezone: string;
  files: string[];
  /** What reading the folder found at import time (the run recounts, the same way). */
  counts: Record<EvTable, TableCounts>;
}

export interface ChargerImportResult {
  importId: string;
  landingPrefix: string;
  bytes: number;
  counts: Record<EvTable, TableCounts>;
  /** A few problems to show (file, line, reason); all are quarantined by the run. */
  problems: string[];
  observedFrom: SeedImport['observedFrom'];
  /** The earliest and latest observed time of the statuses (UTC ISO), null without statuses. */
  observedRange: { from: string; to: string } | null;
  timezone: string;
}

export type ChargerImportPorts = Pick<StepPorts, 'lake' | 'clock' | 'log'>;

const disk: SeedFilePort = { readBytes: (p) => readFile(p).catch(() => null), join };

export async function importChargers(dir: string, options: ChargerImportOptions, ports: ChargerImportPorts): Promise<ChargerImportResult> {
  const root = resolve(dir);
  if (options.importId !== undefined && !IMPORT_ID.test(options.importId)) {
    throw new ChargerImportError(`Import id "${options.importId}" may only contain letters, digits, ".", "_" and "-".`);
  }
  const info = await stat(root).catch(() => null);
  if (!info?.isDirectory()) throw new ChargerImportError(`${root} is not a folder: give the folder that holds ${STATION_FILE} and ${CHARGER_FILE}.`);
  const timezone = options.timezone ?? KOREA_TIMEZONE;
  const read = await readChargerSeed(root, { observedAt: options.observedAt, timezone }, disk);

  const files = [STATION_FILE, CHARGER_FILE];
  const hash = createHash('sha256');
  let bytes = 0;
  for (const f of files) {
    const body = await readFile(join(root, f));
    bytes += body.length;
    hash.update(`${f}\0`).update(body);
  }
  const now = ports.clock.now();
  const importId = options.importId ?? newImportId(now, hash.digest('hex'));
  const prefix = `${EV_LANDING_PREFIX}${importId}/`;
  for (const f of files) await ports.lake.putFile(`${prefix}${f}`, join(root, f), { contentType: 'text/csv' });
  const manifest: ChargerImportManifest = {
    importId,
    importedAt: now.toISOString(),
    observedAt: options.observedAt === undefined ? null : instantFromUser(options.observedAt, timezone),
    timezone,
    files,
    counts: read.counts,
  };
  // Written last: a collector only takes imports whose manifest exists, so it never sees half an import.
  await putJson(ports.lake, `${prefix}${EV_MANIFEST}`, manifest);
  ports.log.info('chargers imported', { importId, bytes, stations: read.counts.charging_stations.loaded, chargers: read.counts.chargers.loaded });
  const problems = [...read.quarantine.map((q) => q.reason), ...read.withheld.map((w) => w.reason), ...read.duplicates.filter((d) => d.kind === 'merged').map((d) => `${d.file} line ${d.line}: station listed again (kept line ${d.keptLine}); differing: ${d.conflicts.join(', ')}`)];
  const times = read.statuses.map((st) => st.observed_at).sort();
  const observedRange = times.length ? { from: times[0]!, to: times[times.length - 1]! } : null;
  return { importId, landingPrefix: prefix, bytes, counts: read.counts, problems, observedFrom: read.observedFrom, observedRange, timezone };
}
