/**
 * The raw format the simulated sources write: one JSON object per line, gzip level 1 (3× faster to write than level 6 on the simulated readings; the objects are transient raw data, a few percent larger). Node's gzip
 * header carries no timestamp, so the same records always give the same bytes (idempotent collect).
 */
import { gunzipSync, gzipSync } from 'node:zlib';

export function encodeJsonlGz(records: readonly object[]): Uint8Array {
  // String concatenation is several times faster than map + join for large files (ropes, no array).
  let text = '';
  for (const r of records) text += `${JSON.stringify(r)}\n`;
  return gzipSync(Buffer.from(text, 'utf8'), { level: 1 });
}

/** Parses gzipped JSON lines; `name` (a key or path) appears in errors with the line number. */
export function decodeJsonlGz<T = unknown>(bytes: Uint8Array, name: string): T[] {
  let text: string;
  try {
    text = gunzipSync(bytes).toString('utf8');
  } catch (e) {
    throw new Error(`${name} is not gzip data (${(e as Error).message}): expected a .jsonl.gz object.`);
  }
  const out: T[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as T);
    } catch (e) {
      throw new Error(`${name} line ${i + 1} is not valid JSON (${(e as Error).message}).`);
    }
  });
  return out;
}
