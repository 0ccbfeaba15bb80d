/**
 * Gzip-compressed meter CSVs (`readings.csv.gz`, as exports are often shipped). Recognised by the
 * gzip magic bytes, not the name. The transform decompresses a compressed CSV into its work folder
 * (streamed: a file larger than memory is fine) before reading it, so that every later reader — the
 * header, DuckDB, the line numbers and raw fields of quarantined rows — sees the plain text.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { readHeaderLine } from './csv-header';

export class GzipReadError extends Error {
  override readonly name = 'GzipReadError';
}

/** True when the file starts with the gzip magic bytes 1f 8b. */
export async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await handle.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

const gzipProblem = (file: string, e: unknown) =>
  new GzipReadError(
    `${file} is gzip-compressed but cannot be decompressed (${(e as Error).message}): the file is truncated or damaged. Compress the CSV again (gzip file.csv) and import it again.`,
    { cause: e },
  );

/** The path of the plain CSV: `path` itself, or its decompressed copy in `workDir`. */
export async function plainCsvPath(path: string, file: string, workDir: string): Promise<string> {
  if (!(await isGzip(path))) return path;
  const out = join(workDir, `gunzipped-${basename(path).replace(/\.gz$/i, '')}`);
  try {
    await pipeline(createReadStream(path), createGunzip(), createWriteStream(out));
  } catch (e) {
    throw gzipProblem(file, e);
  }
  return out;
}

/** The header line of a CSV, compressed or not (BOM stripped; null for an empty file). */
export async function readCsvHeaderLine(path: string, file = path, maxBytes = 1 << 20): Promise<string | null> {
  if (!(await isGzip(path))) return readHeaderLine(path, maxBytes);
  let text = '';
  const source = createReadStream(path);
  const gunzip = createGunzip();
  try {
    for await (const chunk of source.pipe(gunzip)) {
      text += (chunk as Buffer).toString('utf8');
      if (text.includes('\n') || text.length >= maxBytes) break;
    }
  } catch (e) {
    throw gzipProblem(file, e);
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const end = text.indexOf('\n');
  const line = (end === -1 ? text : text.slice(0, end)).replace(/\r$/, '');
  return line.trim() === '' ? null : line;
}

/** Reads a gzip file to its end (nothing kept): a truncated or damaged file is refused before it lands. */
export async function assertCompleteGzip(path: string, file = path): Promise<void> {
  if (!(await isGzip(path))) return;
  try {
    await pipeline(createReadStream(path), createGunzip(), new Writable({ write: (_chunk, _enc, done) => done() }));
  } catch (e) {
    throw gzipProblem(file, e);
  }
}
