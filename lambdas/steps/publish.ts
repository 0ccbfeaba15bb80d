/**
 * Publish: copies `results/latest/` of the lake into the dashboard bucket's `data/`, the manifest
 * last so the site never reads a half-written publication, then removes files the new publication
 * no longer has (e.g. a customer who left). What may be published at all is decided by the
 * publication policy of the configured `dashboard.access` (./publication-policy.ts).
 */
import { parseInput, PublishInputSchema, type PublishOutput } from '../contract/manifests';
import { RESULT_FILES } from '../contract/results';
import { listKeys } from '../ports/object-store';
import { LATEST_PREFIX, mapLimit } from './analyze/index';
import type { StepPorts } from './ports';
import { publicationPolicy } from './publication-policy';

export const SITE_DATA_PREFIX = 'data/';
const JSON_HEADERS = { contentType: 'application/json', cacheControl: 'no-cache' };

export async function publish(rawInput: unknown, ports: StepPorts): Promise<PublishOutput> {
  const input = parseInput(PublishInputSchema, rawInput, 'publish');
  const keys = await listKeys(ports.lake, LATEST_PREFIX);
  if (keys.length === 0) throw new Error(`publish: nothing under ${ports.lake.location}/${LATEST_PREFIX}; run the analyze step first.`);
  // Who the site is for decides what it may hold (private: everything; public: aggregates only).
  const policy = publicationPolicy(ports.config.dashboard.access);
  const manifestKey = LATEST_PREFIX + RESULT_FILES.manifest;
  const names = keys.map((k) => k.slice(LATEST_PREFIX.length)).filter((n) => n !== RESULT_FILES.manifest);
  const published = names.filter((n) => policy.admits(n));
  await mapLimit(published, 16, async (name) =>
    ports.site.put(SITE_DATA_PREFIX + name, policy.form(name, await ports.lake.get(LATEST_PREFIX + name)), JSON_HEADERS),
  );
  if (keys.includes(manifestKey)) {
    await ports.site.put(SITE_DATA_PREFIX + RESULT_FILES.manifest, policy.manifest(await ports.lake.get(manifestKey), published), JSON_HEADERS);
    published.push(RESULT_FILES.manifest);
  }
  // Also removes what an earlier publication under another access mode left behind.
  const keep = new Set(published.map((n) => SITE_DATA_PREFIX + n));
  for (const key of await listKeys(ports.site, SITE_DATA_PREFIX)) {
    if (!keep.has(key)) await ports.site.delete(key);
  }
  const withheld = names.length + (keys.includes(manifestKey) ? 1 : 0) - published.length;
  ports.log.info('published', { runId: input.runId, access: policy.access, files: published.length, withheld });
  return { published: published.filter((n) => !n.includes('/')).sort() };
}
