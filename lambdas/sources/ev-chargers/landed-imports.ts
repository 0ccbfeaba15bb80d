/**
 * The chargers imports waiting in the landing zone (import-chargers.ts), read with the same reader
 * and options as at import time, straight from the lake: a run's collector turns them into raw
 * records. An import folder without its manifest is still being written and is left alone.
 */
import { getJson, listKeys, ObjectNotFoundError, type ObjectStore } from '../../ports/object-store';
import { EV_LANDING_PREFIX, EV_MANIFEST, type ChargerImportManifest } from './import-chargers';
import { readChargerSeed, type SeedFilePort, type SeedImport } from './read-seed';

export interface LandedImport {
  importId: string;
  /** `landing/ev-chargers/<importId>/` */
  prefix: string;
  manifest: ChargerImportManifest;
  rows: SeedImport;
}

export async function readLandedImports(lake: ObjectStore): Promise<LandedImport[]> {
  const keys = await listKeys(lake, EV_LANDING_PREFIX);
  const manifests = keys.filter((k) => k.endsWith(`/${EV_MANIFEST}`) && k.split('/').length === 4).sort();
  const files: SeedFilePort = {
    readText: async (key) => {
      try {
        return new TextDecoder().decode(await lake.get(key));
      } catch (e) {
        if (e instanceof ObjectNotFoundError) return null;
        throw e;
      }
    },
    join: (dir, name) => `${dir}${name}`,
  };
  const out: LandedImport[] = [];
  for (const key of manifests) {
    const prefix = key.slice(0, -EV_MANIFEST.length);
    const manifest = await getJson<ChargerImportManifest>(lake, key);
    const rows = await readChargerSeed(prefix, { observedAt: manifest.observedAt ?? undefined, timezone: manifest.timezone }, files);
    out.push({ importId: manifest.importId, prefix, manifest, rows });
  }
  return out;
}
