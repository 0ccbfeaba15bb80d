/**
 * Collect for the meters source: move every complete landing import into this run's raw prefix,
 * then emit batches for every import the run holds. Moving is copy-then-delete (landing files
 * last, manifest very last), and batches are built from raw, not from landing: a re-run of the same
 * run (landing already emptied) emits the same batches for the same raw keys.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Batch, CollectInput } from '../../contract/manifests';
import { getJson, listKeys } from '../../ports/object-store';
import type { StepPorts } from '../../steps/ports';
import { encodeJsonlGz } from '../jsonl-gz';
import { rawPrefix } from '../source';
import { ImportManifestSchema, LANDING_PREFIX, MANIFEST, type ImportManifest } from './manifest';

export async function collectMeters(input: CollectInput, ports: StepPorts): Promise<Batch[]> {
  const runPrefix = rawPrefix('meters', input.date, input.runId);
  const landing = await listKeys(ports.lake, LANDING_PREFIX);
  const complete = [...new Set(landing.filter((k) => k.endsWith(`/${MANIFEST}`)).map((k) => k.slice(LANDING_PREFIX.length, -MANIFEST.length - 1)))].sort();
  for (const importId of complete) await moveImport(importId, landing, runPrefix, ports);

  const manifests = (await listKeys(ports.lake, runPrefix)).filter((k) => k.endsWith(`/${MANIFEST}`)).sort();
  const batches: Batch[] = [];
  for (const key of manifests) batches.push(...(await batchesOf(await readManifest(ports, key), key.slice(0, -MANIFEST.length), input, ports)));
  ports.log.info('meters collected', { date: input.date, imports: manifests.length, batches: batches.length });
  return batches;
}

/**
 * Copies one import into the run's raw prefix, then deletes it from landing (data files, then the
 * manifest). Crash-safe and idempotent: a crash before the deletes leaves landing whole (the next
 * run moves it again); a crash between them leaves the manifest with some of its files, and the
 * files already deleted are copied from the raw copy an earlier run made (every copy is whole:
 * S3 puts and the local store's temp-file renames are atomic). Only a file found nowhere fails,
 * naming the import, the file and the fix.
 */
async function moveImport(importId: string, landing: string[], runPrefix: string, ports: StepPorts): Promise<void> {
  const from = `${LANDING_PREFIX}${importId}/`;
  const keys = landing.filter((k) => k.startsWith(from));
  const manifestKey = `${from}${MANIFEST}`;
  const dataKeys = keys.filter((k) => k !== manifestKey);
  const present = new Set(dataKeys.map((k) => k.slice(from.length)));
  const missing = (await readManifest(ports, manifestKey)).files.map((f) => f.path).filter((p) => !present.has(p));
  const earlier = missing.length ? await earlierRawCopies(importId, missing, ports) : new Map<string, string>();
  const scratchDir = join(ports.tmpDir, `gridlake-meters-${process.pid}-${importId}`);
  let scratchFiles = 0;
  const copy = async (source: string, target: string) => {
    if (source === target) return;
    // Streamed through a scratch file of its own: a CSV can be larger than memory.
    const scratch = `${scratchDir}-${scratchFiles++}`;
    try {
      await ports.lake.getFile(source, scratch);
      await ports.lake.putFile(target, scratch);
    } finally {
      await rm(scratch, { force: true });
    }
  };
  for (const path of missing) {
    if (!earlier.get(path)) {
      throw new Error(
        `Meters import ${importId}: ${path} is listed in its manifest but is neither in ${ports.lake.location}/${from} nor in an earlier run's raw copy. Import the file again with \`gridlake import meters\` and delete ${manifestKey}.`,
      );
    }
  }
  // An export of one file per meter is thousands of files: each phase runs MOVE_CONCURRENCY at a
  // time (one by one, 10,000 files outlast the Collect Task's timeout), and the phases keep their
  // order — every data file copied, then the manifest, then the landing files deleted, the manifest last.
  await inParallel(dataKeys, (key) => copy(key, `${runPrefix}${importId}/${key.slice(from.length)}`));
  await inParallel(missing, (path) => copy(earlier.get(path)!, `${runPrefix}${importId}/${path}`));
  await copy(manifestKey, `${runPrefix}${importId}/${MANIFEST}`);
  await inParallel(dataKeys, (key) => ports.lake.delete(key));
  await ports.lake.delete(manifestKey);
}

/** Object copies and deletes in flight at once while moving an import (S3 takes thousands a second per prefix). */
const MOVE_CONCURRENCY = 16;

async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(MOVE_CONCURRENCY, items.length) }, worker));
}

/** The newest raw copy of each file of an import that an earlier (interrupted) move left in raw/. */
async function earlierRawCopies(importId: string, paths: string[], ports: StepPorts): Promise<Map<string, string>> {
  const wanted = new Set(paths);
  const out = new Map<string, string>();
  const marker = `/${importId}/`;
  // Keys sort by date and run: the last match is the newest copy.
  for (const key of await listKeys(ports.lake, 'raw/source=meters/')) {
    const at = key.indexOf(marker);
    if (at === -1) continue;
    const path = key.slice(at + marker.length);
    if (wanted.has(path)) out.set(path, key);
  }
  return out;
}

async function readManifest(ports: StepPorts, key: string): Promise<ImportManifest> {
  const parsed = ImportManifestSchema.safeParse(await getJson(ports.lake, key));
  if (!parsed.success) {
    throw new Error(`${ports.lake.location}/${key} is not a meters import manifest (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}). Re-import the files with \`gridlake import meters\`.`);
  }
  return parsed.data;
}

async function batchesOf(m: ImportManifest, prefix: string, input: CollectInput, ports: StepPorts): Promise<Batch[]> {
  const base = { runId: input.runId, date: input.date, source: 'meters' as const };
  const batches: Batch[] = [];
  let metersKey: string | undefined;
  if (m.meters) {
    metersKey = `${prefix}meters.jsonl.gz`;
    await ports.lake.put(metersKey, encodeJsonlGz(m.meters), { contentType: 'application/gzip' });
    batches.push({ ...base, dataset: 'meters', rawKey: metersKey, format: 'jsonl.gz', options: {} });
  }
  for (const f of m.files) {
    // The import time orders versions of a reading across imports: the newest received one is kept.
    const options: Batch['options'] = { timezone: m.timezone, receivedAt: m.importedAt };
    if (metersKey) options.metersKey = metersKey;
    if (f.columnMap) options.columnMap = f.columnMap;
    if (f.meterId) options.meterId = f.meterId;
    const timestampsZone = f.timestampsZone ?? m.timestampsZone;
    if (timestampsZone) options.timestampsZone = timestampsZone;
    batches.push({ ...base, dataset: 'meter_readings', rawKey: `${prefix}${f.path}`, format: 'csv', options });
  }
  return batches;
}
