/**
 * Physical line numbers (1-based, header = line 1) of CSV rows that DuckDB accepted, so quarantined
 * rows can point at the line a person opens in an editor. DuckDB numbers the rows it rejects
 * (wrong column count) but not the rows it accepts; an accepted row is known by its ordinal k (its
 * position among accepted rows, = rowid + 1 of the raw table, which keeps file order).
 *
 * Fast path: a file without quotes and without blank lines has one record per line, so row k sits
 * at line k + 1 + (rejected lines before it) — computed from the reject list alone. Otherwise
 * (quoted fields may span lines; DuckDB skips blank lines) the file is scanned once, record by record.
 *
 * Quotes follow DuckDB's reader (quote `"`, escape `""`): a quote opens a quoted field only at the
 * start of a field (the start of a record or right after the delimiter); inside it `""` is a quote
 * and a lone `"` closes it; a quote anywhere else (`Flat 3" east`, `0.25"`) is a literal character
 * and never hides a line break.
 */
import { createReadStream } from 'node:fs';
import { parseCsvLine as parseCsvFields, type CsvDelimiter } from './csv-header';

/** Maps each wanted ordinal (accepted-row position, 1-based) to its line number. */
export async function csvLineNumbers(
  path: string,
  rejectedLines: readonly number[],
  ordinals: readonly number[],
  delimiter: CsvDelimiter = ',',
): Promise<Map<number, number>> {
  const rejected = [...new Set(rejectedLines)].sort((a, b) => a - b);
  if (ordinals.length === 0) return new Map();
  if (await isOneRecordPerLine(path)) return fromRejects(rejected, ordinals);
  return scanRecords(path, new Set(rejected), ordinals, delimiter);
}

/** k + 1 + #{rejected lines before row k}: the i-th rejected line has r_i - 1 - i accepted rows before it. */
export function fromRejects(rejected: readonly number[], ordinals: readonly number[]): Map<number, number> {
  const before = rejected.map((r, i) => r - 1 - (i + 1));
  const out = new Map<number, number>();
  for (const k of ordinals) {
    let lo = 0;
    let hi = before.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before[mid]! < k) lo = mid + 1;
      else hi = mid;
    }
    out.set(k, k + 1 + lo);
  }
  return out;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** True when the file has no `"` and no blank line between records (a native-speed byte search). */
async function isOneRecordPerLine(path: string): Promise<boolean> {
  let tail: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    if (chunk.indexOf(QUOTE) !== -1) return false;
    const joined: Buffer = tail.length ? Buffer.concat([tail, chunk]) : chunk;
    if (joined.indexOf('\n\n') !== -1 || joined.indexOf('\n\r\n') !== -1) {
      // A blank line at the very end of the file is harmless; anywhere else it shifts lines.
      const trimmedEnd = trimTrailingNewlines(joined);
      if (trimmedEnd.indexOf('\n\n') !== -1 || trimmedEnd.indexOf('\n\r\n') !== -1) return false;
    }
    tail = joined.subarray(Math.max(0, joined.length - 2));
  }
  return true;
}

function trimTrailingNewlines(b: Buffer): Buffer {
  let end = b.length;
  while (end > 0 && (b[end - 1] === LF || b[end - 1] === CR)) end--;
  return b.subarray(0, Math.min(b.length, end + 1));
}

/**
 * Whether a line (without its LF) ends inside a quoted field, given whether it starts inside one.
 * Unquoted at the start of a line means a record starts there. `from` skips a BOM on line 1.
 */
function endsInQuotes(bytes: Buffer, startsQuoted: boolean, delimiter: number, from = 0): boolean {
  let quoted = startsQuoted;
  for (let q = bytes.indexOf(QUOTE, from); q !== -1; q = bytes.indexOf(QUOTE, q + 1)) {
    if (quoted) {
      if (bytes[q + 1] === QUOTE) q++; // `""`: an escaped quote
      else quoted = false;
    } else if (q === from || bytes[q - 1] === delimiter) {
      quoted = true; // at the start of a field
    } // else: a literal quote inside an unquoted field
  }
  return quoted;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const bomLength = (bytes: Buffer) => (bytes.subarray(0, 3).equals(BOM) ? 3 : 0);

/**
 * Calls `onLine` with each line of the file (without its LF; a last line without LF included), in
 * order, using a native byte search; stops when it returns true.
 */
async function forEachLine(path: string, onLine: (bytes: Buffer) => boolean): Promise<void> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const buf: Buffer = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(LF); nl !== -1; nl = buf.indexOf(LF, start)) {
      if (onLine(buf.subarray(start, nl))) return;
      start = nl + 1;
    }
    carry = Buffer.from(buf.subarray(start));
  }
  if (carry.length) onLine(carry);
}

const isBlank = (bytes: Buffer) => bytes.length === 0 || (bytes.length === 1 && bytes[0] === CR);

/** Walks records (quotes may hide line breaks), skipping the header, blank lines and rejected lines. */
async function scanRecords(
  path: string,
  rejected: Set<number>,
  ordinals: readonly number[],
  delimiter: CsvDelimiter = ',',
): Promise<Map<number, number>> {
  const wanted = [...ordinals].sort((a, b) => a - b);
  const out = new Map<number, number>();
  const delim = delimiter.charCodeAt(0);
  let next = 0;
  let line = 0;
  let quoted = false;
  let seenHeader = false;
  let accepted = 0;
  await forEachLine(path, (bytes) => {
    line++;
    if (!quoted) {
      // A record starts on this line; DuckDB skips blank lines.
      if (isBlank(bytes)) return false;
      if (!seenHeader) seenHeader = true;
      else if (!rejected.has(line)) {
        accepted++;
        while (next < wanted.length && wanted[next] === accepted) out.set(wanted[next++]!, line);
      }
    }
    quoted = endsInQuotes(bytes, quoted, delim, line === 1 ? bomLength(bytes) : 0);
    return next >= wanted.length;
  });
  return out;
}

/**
 * The fields of the records that start at the given lines, split as written (quoted fields may span
 * lines). For the few rejected rows whose raw text the dataset SQL did not keep: one sequential read
 * of the file, line by line (a native byte search per line), stopping after the last wanted line.
 */
export async function csvRecordsAtLines(path: string, lines: readonly number[], delimiter: CsvDelimiter = ','): Promise<Map<number, string[]>> {
  const wanted = new Set(lines);
  const last = Math.max(0, ...lines);
  const out = new Map<number, string[]>();
  if (wanted.size === 0) return out;
  const delim = delimiter.charCodeAt(0);
  let line = 0;
  let quoted = false;
  let recordStart = 0;
  let record: string[] | null = null;
  await forEachLine(path, (bytes) => {
    line++;
    if (!quoted) {
      recordStart = line;
      record = wanted.has(line) ? [] : null;
    }
    if (record) record.push(bytes.toString('utf8'));
    quoted = endsInQuotes(bytes, quoted, delim, line === 1 ? bomLength(bytes) : 0);
    if (!quoted && record) {
      let text = record.join('\n').replace(/\r$/, '');
      if (recordStart === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      out.set(recordStart, parseCsvFields(text, delimiter));
      record = null;
    }
    return line >= last && !quoted;
  });
  return out;
}
