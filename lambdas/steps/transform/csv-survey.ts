/**
 * Counts the data records of a CSV file from its bytes, independently of DuckDB's reader, and finds
 * the records the reader must not see. `rows_in` of a CSV batch is this count: whatever the reader
 * returns must add up to it, so a reader that stops early can never shorten a file silently.
 *
 * A record starts at a non-blank line outside quotes; quotes follow DuckDB's reader (see
 * csv-line-numbers.ts): a quote opens a quoted field only at the start of a field, `""` is a quote,
 * and a quoted field may span lines. Blank lines are not records (DuckDB skips them).
 *
 * Broken records, which DuckDB either crashes on ("CSV Parser state machine reached an invalid
 * state") or reads past (everything after them is lost), are quarantined line by line instead:
 *   - a quote that opens a field and never closes cleanly (a lone quote followed by the delimiter or
 *     the line end) on a later line: only its own line is the broken record, and the records resume
 *     on the next line (resync) — instead of one record swallowing the rest of the file;
 *   - a carriage return (CR) inside an unquoted line (a CR at the end of a line is a CRLF line end);
 *   - bytes that are not UTF-8, or NUL bytes (corruption, or a UTF-16 file);
 *   - a line longer than {@link CSV_LIMITS}.maxLineBytes.
 * When there are broken records, or the file mixes LF and CRLF line ends (which DuckDB's reader
 * also fails on), the reader gets a cleaned copy: broken lines blanked (so every other line keeps its
 * number), line ends LF. Nothing else changes.
 *
 * Cost: one sequential read with native byte searches; per-line JS work only for lines that hold a
 * quote or a CR, and a UTF-8 check per 1 MiB chunk (per line only in a chunk that fails it).
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';

/** Limits checked at the door (docs/TRANSFORM.md). DuckDB's own maximum line size is 2,000,000 bytes. */
export const CSV_LIMITS = {
  /** A physical line (header included) longer than this is quarantined; a longer header fails the file. */
  maxLineBytes: 1_000_000,
  /** A header with more columns fails the file (a meter CSV needs three; DuckDB slows to a crawl past ~100k). */
  maxColumns: 1_000,
} as const;

export interface BrokenRecord {
  /** The record's first line (1-based, header = 1). */
  line: number;
  reason: string;
}

export interface CsvSurvey {
  /** Data records after the header (broken ones included; blank lines not). */
  records: number;
  /** Records the reader does not see (blanked in the cleaned copy), in line order. */
  broken: BrokenRecord[];
  /** Why the header record itself is unusable (the file cannot be read), or null. */
  headerProblem: string | null;
  /** Whether the reader must read a cleaned copy (see {@link cleanCsvCopy}). */
  needsCleanCopy: boolean;
  /** Lines that are blanked in the cleaned copy (every line of every broken record). */
  blankedLines: Set<number>;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const NUL = 0x00;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export const UNTERMINATED_QUOTE = 'unterminated quote: a field opened with " on this line never closes (close or remove the quote)';
export const INNER_CR = 'a carriage return (CR) inside the line: remove it (lines end with LF or CRLF)';
export const NOT_UTF8 = 'not UTF-8 text (save the file as UTF-8)';
export const NUL_BYTE = 'a NUL byte: the line is corrupted, or the file is not UTF-8 text (UTF-16?)';
export const lineTooLong = (bytes: number) => `line too long: ${bytes} bytes, the maximum is ${CSV_LIMITS.maxLineBytes}`;

/**
 * Whether a line ends inside a quoted field, given whether it starts inside one (DuckDB's rules).
 * `bytes` is the line itself (a view), so a search never runs past its end.
 */
function endsInQuotes(bytes: Buffer, start: number, end: number, startsQuoted: boolean, delimiter: number): boolean {
  let quoted = startsQuoted;
  for (let q = bytes.indexOf(QUOTE, start); q !== -1 && q < end; q = bytes.indexOf(QUOTE, q + 1)) {
    if (quoted) {
      if (q + 1 < end && bytes[q + 1] === QUOTE) q++;
      else quoted = false;
    } else if (q === start || bytes[q - 1] === delimiter) quoted = true;
  }
  return quoted;
}

/** Whether a CR of the line lies outside quotes (only for the rare lines with both a quote and a CR). */
function crOutsideQuotes(bytes: Buffer, startsQuoted: boolean, delimiter: number): boolean {
  let quoted = startsQuoted;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === QUOTE) {
      if (quoted) {
        if (bytes[i + 1] === QUOTE) i++;
        else quoted = false;
      } else if (i === 0 || bytes[i - 1] === delimiter) quoted = true;
    } else if (c === CR && !quoted) return true;
  }
  return false;
}

/**
 * How a line that starts inside a quoted field ends it: 'none' (the field goes on: no lone quote, or
 * it closes cleanly and the line opens another field that spans lines), 'clean' (the field closes,
 * followed by a delimiter or the line end, and the line ends outside quotes), or 'unclean'
 * (anything else: the quote that "opened" the field on an earlier line was a stray quote).
 */
type CloseKind = 'none' | 'clean' | 'unclean';

/** A line that opens a field spanning lines, and the line that decides how that field ends. */
interface OpeningLine {
  line: number;
  /** The next line with a lone quote (-1: none before the end of the file), and how it ends the field. */
  closeLine: number;
  close: CloseKind;
}

/** How a line that starts inside a quoted field ends it (see {@link CloseKind}). */
function closeKind(bytes: Buffer, start: number, end: number, delimiter: number): CloseKind {
  for (let q = bytes.indexOf(QUOTE, start); q !== -1 && q < end; q = bytes.indexOf(QUOTE, q + 1)) {
    if (q + 1 < end && bytes[q + 1] === QUOTE) {
      q++;
      continue;
    }
    if (q + 1 !== end && bytes[q + 1] !== delimiter) return 'unclean';
    return endsInQuotes(bytes, q + 1, end, false, delimiter) ? 'none' : 'clean';
  }
  return 'none';
}

/**
 * Surveys a CSV file: its record count, its broken records and whether the header is usable.
 * `delimiter` is the file's separator (from the header).
 */
export async function surveyCsv(path: string, delimiter: string): Promise<CsvSurvey> {
  const delim = delimiter.charCodeAt(0);
  const blanks: number[] = [];
  // Opening lines in line order; those still waiting for the line that decides their end.
  const openings: OpeningLine[] = [];
  let pending: OpeningLine[] = [];
  const bad: BrokenRecord[] = [];
  let crlfEnds = 0;
  let lfEnds = 0;
  let line = 0;

  // The next quote, CR and NUL of the current block: searched once per block and again only after
  // a line has passed them (a search per line would scan to the end of the block every time).
  let block: Buffer | null = null;
  const next = { [QUOTE]: -1, [CR]: -1, [NUL]: -1 };
  const nextOf = (buf: Buffer, byte: typeof QUOTE | typeof CR | typeof NUL, start: number): number => {
    if (block !== buf) {
      block = buf;
      next[QUOTE] = next[CR] = next[NUL] = -2;
    }
    const cached = next[byte];
    if (cached === -1 || cached >= start) return cached;
    return (next[byte] = buf.indexOf(byte, start));
  };
  const onLine = (buf: Buffer, start: number, end: number, hasLf: boolean, chunkUtf8: boolean) => {
    line++;
    if (line === 1 && buf.subarray(start, start + 3).equals(BOM)) start += 3;
    const length = end - start;
    let contentEnd = end;
    if (contentEnd > start && buf[contentEnd - 1] === CR) {
      contentEnd--;
      if (hasLf) crlfEnds++;
    } else if (hasLf && contentEnd > start) lfEnds++;
    if (contentEnd === start) {
      blanks.push(line);
      return;
    }
    if (length > CSV_LIMITS.maxLineBytes) {
      bad.push({ line, reason: lineTooLong(length) });
      return;
    }
    const quote = nextOf(buf, QUOTE, start);
    const hasQuote = quote !== -1 && quote < contentEnd;
    const cr = nextOf(buf, CR, start);
    const hasCr = cr !== -1 && cr < contentEnd;
    // A CR inside a quoted field is data; one outside quotes makes DuckDB's reader fail. The line
    // starts inside quotes when an earlier line opened a field that has not closed yet.
    const innerCr = hasCr && (!hasQuote || crOutsideQuotes(buf.subarray(start, contentEnd), pending.length > 0, delim));
    if (hasQuote) {
      const view = buf.subarray(start, contentEnd);
      // Only a line after an opening one can decide how that field ends.
      const close = pending.length ? closeKind(view, 0, view.length, delim) : 'none';
      if (close !== 'none') {
        for (const o of pending) Object.assign(o, { closeLine: line, close });
        pending = [];
      }
      if (endsInQuotes(view, 0, view.length, false, delim)) {
        const o: OpeningLine = { line, closeLine: -1, close: 'none' };
        openings.push(o);
        pending.push(o);
      }
    }
    if (innerCr) bad.push({ line, reason: INNER_CR });
    else if (!chunkUtf8 && !isUtf8(buf.subarray(start, end))) bad.push({ line, reason: NOT_UTF8 });
    else {
      const nul = nextOf(buf, NUL, start);
      if (nul !== -1 && nul < end) bad.push({ line, reason: NUL_BYTE });
    }
  };
  await forEachLineRange(path, onLine);

  const walk = walkRecords(line, blanks, openings, bad);
  const headerProblem = walk.headerProblem;
  return {
    records: Math.max(0, walk.records - 1),
    broken: walk.broken.map(({ line: l, reason }) => ({ line: l, reason })),
    headerProblem,
    needsCleanCopy: walk.broken.length > 0 || (crlfEnds > 0 && lfEnds > 0),
    blankedLines: walk.blanked,
  };
}

/**
 * Walks the records over the sparse line lists: lines that are not blank, bad or the opening of a field spanning lines are one
 * record each and are counted in bulk. Returns records (header included) and the broken ones.
 */
function walkRecords(
  total: number,
  blanks: number[],
  openings: OpeningLine[],
  bad: BrokenRecord[],
): { records: number; broken: BrokenRecord[]; headerProblem: string | null; blanked: Set<number> } {
  const broken: BrokenRecord[] = [];
  const blanked = new Set<number>();
  let headerProblem: string | null = null;
  let records = 0;
  let bi = 0;
  let qi = 0;
  let xi = 0;
  let n = 1;
  while (n <= total) {
    while (bi < blanks.length && blanks[bi]! < n) bi++;
    while (qi < openings.length && openings[qi]!.line < n) qi++;
    while (xi < bad.length && bad[xi]!.line < n) xi++;
    const nb = blanks[bi] ?? Infinity;
    const nq = openings[qi]?.line ?? Infinity;
    const nx = bad[xi]?.line ?? Infinity;
    const next = Math.min(nb, nq, nx, total + 1);
    if (next > n) {
      records += next - n; // plain one-line records
      n = next;
      continue;
    }
    if (nb === n) {
      n++;
      continue;
    }
    let end = n;
    let reason: string | null = nx === n ? bad[xi]!.reason : null;
    if (!reason && nq === n) {
      const opening = openings[qi]!;
      // No clean close: a stray quote. Resync: only this line is the broken record.
      if (opening.close !== 'clean') reason = UNTERMINATED_QUOTE;
      else {
        end = opening.closeLine;
        if (nx <= end) reason = bad[xi]!.reason; // a bad line inside the record breaks it whole
      }
    }
    if (reason) {
      if (records === 0) headerProblem = `the header (line ${n}) is unreadable: ${reason}`;
      else broken.push({ line: n, reason });
      for (let l = n; l <= end; l++) blanked.add(l);
    }
    records++;
    n = end + 1;
  }
  return { records, broken, headerProblem, blanked };
}

/**
 * Calls `onLine(buf, start, end, hasLf, chunkUtf8)` for each line of the file (end excludes the LF;
 * a last line without LF included). `chunkUtf8` is true when the block of whole lines it sits in is
 * valid UTF-8 (then no per-line check is needed).
 */
async function forEachLineRange(path: string, onLine: (buf: Buffer, start: number, end: number, hasLf: boolean, chunkUtf8: boolean) => void): Promise<void> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const buf: Buffer = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const lastLf = buf.lastIndexOf(LF);
    if (lastLf === -1) {
      carry = buf;
      continue;
    }
    const utf8 = isUtf8(buf.subarray(0, lastLf));
    let start = 0;
    for (let nl = buf.indexOf(LF); nl !== -1 && nl <= lastLf; nl = buf.indexOf(LF, start)) {
      onLine(buf, start, nl, true, utf8);
      start = nl + 1;
    }
    carry = Buffer.from(buf.subarray(start));
  }
  if (carry.length) onLine(carry, 0, carry.length, false, isUtf8(carry));
}

/**
 * Writes the copy the reader reads: the lines of broken records blanked (an empty line, so line
 * numbers stay), every line ending in LF. Returns the raw text of each broken record's first line
 * (decoded leniently, at most 1,000 characters) for its quarantine record.
 */
export async function cleanCsvCopy(path: string, out: string, survey: CsvSurvey): Promise<Map<number, string>> {
  const texts = new Map<number, string>();
  const wanted = new Set(survey.broken.map((b) => b.line));
  const stream = createWriteStream(out);
  let line = 0;
  let pending: Buffer[] = [];
  const flush = async () => {
    if (!stream.write(Buffer.concat(pending))) await once(stream, 'drain');
    pending = [];
  };
  let carry: Buffer = Buffer.alloc(0);
  const emit = (buf: Buffer, start: number, end: number) => {
    line++;
    if (survey.blankedLines.has(line)) {
      if (wanted.has(line)) texts.set(line, buf.toString('utf8', start, Math.min(end, start + 4000)).replace(/\r$/, '').slice(0, 1000));
      pending.push(Buffer.from('\n'));
      return;
    }
    const contentEnd = end > start && buf[end - 1] === CR ? end - 1 : end;
    pending.push(buf.subarray(start, contentEnd), Buffer.from('\n'));
  };
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      const buf: Buffer = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      let start = 0;
      for (let nl = buf.indexOf(LF); nl !== -1; nl = buf.indexOf(LF, start)) {
        emit(buf, start, nl);
        start = nl + 1;
      }
      carry = Buffer.from(buf.subarray(start));
      await flush();
    }
    if (carry.length) emit(carry, 0, carry.length);
    await flush();
  } finally {
    stream.end();
    await once(stream, 'close');
  }
  return texts;
}
