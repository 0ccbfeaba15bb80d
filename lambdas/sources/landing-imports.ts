/**
 * Landing imports of the sources that import folders whole (ev-chargers, flow-sensors): an import is
 * `<landingPrefix><importId>/` holding its data files and a manifest written last, so an import is
 * complete once its manifest is there. Collect moves each complete import into the run's raw prefix
 * (copy, then delete: data files first, the manifest last — a crash leaves either the landing copy
 * or a complete raw copy, and a re-run reads what reached raw).
 */
import type { ObjectStore } from '../ports/object-store';
import { listKeys } from '../ports/object-store';

/** Moves every complete import under `landingPrefix` to `<to><importId>/`, in import-id order. */
export async function moveCompleteImports(lake: ObjectStore, landingPrefix: string, manifestName: string, to: string): Promise<void> {
  const landing = await listKeys(lake, landingPrefix);
  const depth = landingPrefix.split('/').length; // 'landing/x/' → 3 parts; '<prefix><id>/<manifest>' → 4
  const complete = landing.filter((k) => k.endsWith(`/${manifestName}`) && k.split('/').length === depth + 1).map((k) => k.split('/')[depth - 1]!);
  for (const importId of complete.sort()) {
    const from = `${landingPrefix}${importId}/`;
    const manifestKey = `${from}${manifestName}`;
    const dataKeys = landing.filter((k) => k.startsWith(from) && k !== manifestKey);
    // Seed files and logger exports of one import are megabytes at most: through memory, no scratch file.
    for (const key of [...dataKeys, manifestKey]) await lake.put(`${to}${importId}/${key.slice(from.length)}`, await lake.get(key));
    for (const key of dataKeys) await lake.delete(key);
    await lake.delete(manifestKey);
  }
}

/** What an import id may hold: it names a folder in the landing zone and in raw. */
export const IMPORT_ID = /^[A-Za-z0-9._-]+$/;

/** The default import id: `imp-<UTC time to the second>-<8 hex of the content hash>`, sortable by time. */
export function newImportId(now: Date, contentSha256Hex: string): string {
  return `imp-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${contentSha256Hex.slice(0, 8)}`;
}
