/**
 * Publish: copies `results/latest/` of the lake into the dashboard bucket's `data/`, the manifest
 * last so the site never reads a half-written publication, then removes files the new publication
 * no longer has (e.g. a customer who left).
 */
import { parseInput, PublishInputSchema, type PublishOutput } from '../contract/manifests';
import { RESULT_FILES } from '../contract/results';
import { listKeys } from '../ports/object-store';
import { LATEST_PREFIX, mapLimit } from './analyze/index';
import type { StepPorts } from './ports';

export const SITE_DATA_PREFIX = 'data/';
const JSON_HEADERS = { contentType: 'application/json', cacheControl: 'no-cache' };

export async function publish(rawInput: unknown, ports: StepPorts): Promise<PublishOutput> {
  const input = parseInput(PublishInputSchema, rawInput, 'publish');
  const keys = await listKeys(ports.lake, LATEST_PREFIX);
  if (keys.length === 0) throw new Error(`publish: nothing under ${ports.lake.location}/${LATEST_PREFIX}; run the analyze step first.`);
  const manifestKey = LATEST_PREFIX + RESULT_FILES.manifest;
  const names = keys.map((k) => k.slice(LATEST_PREFIX.length));
  await mapLimit(
    keys.filter((k) => k !== manifestKey),
    16,
    async (key) => ports.site.put(SITE_DATA_PREFIX + key.slice(LATEST_PREFIX.length), await ports.lake.get(key), JSON_HEADERS),
  );
  if (keys.includes(manifestKey)) {
    await ports.site.put(SITE_DATA_PREFIX + RESULT_FILES.manifest, await ports.lake.get(manifestKey), JSON_HEADERS);
  }
  const keep = new Set(names.map((n) => SITE_DATA_PREFIX + n));
  for (const key of await listKeys(ports.site, SITE_DATA_PREFIX)) {
    if (!keep.has(key)) await ports.site.delete(key);
  }
  ports.log.info('published', { runId: input.runId, files: names.length });
  return { published: names.filter((n) => !n.includes('/')).sort() };
}
