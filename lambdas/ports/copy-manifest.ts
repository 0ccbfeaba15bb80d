/**
 * The manifest of a Redshift COPY from Parquet: every file the COPY loads, listed by URL
 * (https://docs.aws.amazon.com/redshift/latest/dg/loading-data-files-using-manifest.html). For ORC
 * and Parquet each entry needs `meta.content_length`, the object's actual size in bytes (same page,
 * "Using a manifest created by UNLOAD"). Both warehouse adapters write it to the lake the same way;
 * the local one then reads it back and checks it as Redshift would, so a manifest that Redshift
 * would refuse fails locally too.
 *
 * Sizes come from listing each folder of the keys once (a page per 1,000 objects), not one request
 * per file: a load of ten thousand curated files costs a few listings.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { getJson, listAll, type ObjectStore } from './object-store';
import { WarehouseError } from './warehouse';

export const CopyManifestSchema = z.object({
  entries: z
    .array(
      z.object({
        url: z.string(),
        mandatory: z.boolean(),
        meta: z.object({ content_length: z.number().int().nonnegative() }),
      }),
    )
    .min(1),
});
export type CopyManifest = z.infer<typeof CopyManifestSchema>;

/** Where a COPY's manifest goes: named by the statement and a digest of its keys (a retry rewrites the same object). */
export function copyManifestKey(prefix: string, statementName: string, keys: readonly string[]): string {
  const digest = createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 16);
  return `${prefix}${statementName}-${digest}.manifest`;
}

/** The size of each key, from one listing per folder of the keys. Throws naming the first key not found. */
export async function objectSizes(store: ObjectStore, keys: readonly string[], statementName: string): Promise<Map<string, number>> {
  const wanted = new Set(keys);
  const folders = [...new Set(keys.map((k) => k.slice(0, k.lastIndexOf('/') + 1)))];
  const sizes = new Map<string, number>();
  for (const folder of folders) {
    for await (const o of listAll(store, folder)) if (wanted.has(o.key)) sizes.set(o.key, o.size);
  }
  const missing = keys.find((k) => !sizes.has(k));
  if (missing !== undefined) throw new WarehouseError(statementName, `no object at ${store.location}/${missing}: run the transform step that writes it first.`);
  return sizes;
}

/** Writes the manifest of `keys` (all mandatory, each with its content_length) to `manifestKey`. */
export async function writeCopyManifest(
  store: ObjectStore,
  manifestKey: string,
  keys: readonly string[],
  uriOf: (key: string) => string,
  statementName: string,
): Promise<CopyManifest> {
  const sizes = await objectSizes(store, keys, statementName);
  const manifest: CopyManifest = { entries: keys.map((key) => ({ url: uriOf(key), mandatory: true, meta: { content_length: sizes.get(key)! } })) };
  await store.put(manifestKey, JSON.stringify(manifest), { contentType: 'application/json' });
  return manifest;
}

/**
 * Reads a manifest back and checks it as Redshift's COPY … FORMAT AS PARQUET MANIFEST would: JSON
 * with `entries`, each a URL of an object that exists (`mandatory`) whose size is its
 * `meta.content_length`. Returns the keys to load, in manifest order.
 */
export async function readCopyManifest(
  store: ObjectStore,
  manifestKey: string,
  keyOf: (url: string) => string | null,
  statementName: string,
): Promise<string[]> {
  const parsed = CopyManifestSchema.safeParse(await getJson(store, manifestKey));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new WarehouseError(statementName, `${store.location}/${manifestKey} is not a COPY manifest for Parquet (${problems}); every entry needs url, mandatory and meta.content_length.`);
  }
  const keys: string[] = [];
  for (const entry of parsed.data.entries) {
    const key = keyOf(entry.url);
    if (key === null) throw new WarehouseError(statementName, `manifest entry ${entry.url} is not an object of the lake.`);
    keys.push(key);
  }
  const sizes = await objectSizes(store, keys, statementName);
  parsed.data.entries.forEach((entry, i) => {
    const size = sizes.get(keys[i]!)!;
    if (size !== entry.meta.content_length) {
      throw new WarehouseError(statementName, `manifest entry ${entry.url} says content_length ${entry.meta.content_length}, but the object has ${size} bytes.`);
    }
  });
  return keys;
}
