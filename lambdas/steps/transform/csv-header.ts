/**
 * Reads a meter CSV's header and decides which column is which, before DuckDB reads the body. Any
 * column order works; `wh` instead of `kwh` is converted (÷1000); a column map renames foreign
 * headers (the seed app's `datetime,consumption`). The delimiter is a comma, a semicolon or a tab
 * (European exports; their values use a decimal comma), found from the header. A file without the
 * required columns is not a meter CSV at all: that fails the batch with {@link NotAMeterCsvError}, rows are never guessed.
 */
import { open } from 'node:fs/promises';

/** Field separators a meter CSV may use, in order of preference (comma is the default). */
export const CSV_DELIMITERS = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

const delimiterName = (d: CsvDelimiter) => (d === ',' ? 'commas' : d === ';' ? 'semicolons' : 'tabs');

export class NotAMeterCsvError extends Error {
  override readonly name = 'NotAMeterCsvError';
  /**
   * `missing` empty means the header has both kwh and wh. `found` is shown with non-printable
   * characters replaced by `?` and cut to a readable length.
   */
  constructor(
    readonly file: string,
    readonly missing: readonly string[],
    readonly found: readonly string[],
    detail = '',
    readonly delimiter: CsvDelimiter = ',',
  ) {
    const shown = `found: ${showHeader(found)}${found.length > 1 && delimiter !== ',' ? `, read as separated by ${delimiterName(delimiter)}` : ''}`;
    super(
      missing.length
        ? `${file} is not a meter readings CSV: missing column(s) ${missing.join(', ')} (${shown}). ` +
            `Expected a header "meter_id,timestamp,kwh" or "meter_id,timestamp,wh" (any order; columns separated by commas, semicolons or tabs).${detail ? ` ${detail}` : ''}`
        : `${file} has both a kwh and a wh column (${shown}): keep one of them, so that each reading has one value, and import the file again.`,
    );
  }
}

/** Header fields for a message: non-printable characters (control bytes, invalid UTF-8, NUL of UTF-16) become `?`. */
function showHeader(found: readonly string[]): string {
  if (!found.length || (found.length === 1 && found[0] === '')) return 'no header';
  const text = found.map((f) => f.replace(/[\p{C}\uFFFD]/gu, '?')).join(', ');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Where each canonical field is in the file, and the factor that turns the value column into kWh. */
export interface MeterCsvLayout {
  /** Header names as written (BOM and surrounding quotes removed), one per column. */
  header: string[];
  /** The field separator (from {@link CSV_DELIMITERS}, never from the file's text). */
  delimiter: CsvDelimiter;
  /** `;`- and tab-separated files (European exports) write the value with a decimal comma: `0,25` is 0.25. */
  decimalComma: boolean;
  meterIdColumn: number | null;
  timestampColumn: number;
  valueColumn: number;
  valueField: 'kwh' | 'wh';
  unitFactor: number;
}

/** Up to the first line break outside quotes (header only), BOM stripped; null for an empty file. */
export async function readHeaderLine(path: string, maxBytes = 1 << 20): Promise<string | null> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(maxBytes, 64 * 1024));
    let text = '';
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, position);
      if (bytesRead === 0) break;
      text += buf.toString('utf8', 0, bytesRead);
      position += bytesRead;
      if (text.includes('\n') || position >= maxBytes) break;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const end = text.indexOf('\n');
    const line = (end === -1 ? text : text.slice(0, end)).replace(/\r$/, '');
    return line.trim() === '' ? null : line;
  } finally {
    await handle.close();
  }
}

/**
 * Splits one CSV record into fields as DuckDB's reader does (quote `"`, escape `""`): a quote opens a
 * quoted field only at the start of a field (spaces before it are dropped, as DuckDB drops them);
 * inside a quoted field `""` is a quote and a lone `"` closes it (spaces after it are dropped). A
 * quote anywhere else is a literal character (`Flat 3" east`, `0.25"`).
 */
export function parseCsvLine(line: string, delimiter: CsvDelimiter = ','): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStart = true;
  let closed = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
        closed = true;
      } else field += ch;
    } else if (ch === delimiter) {
      out.push(field);
      field = '';
      fieldStart = true;
      closed = false;
    } else if (ch === '"' && fieldStart) {
      field = '';
      quoted = true;
      fieldStart = false;
    } else if (closed && ch === ' ') {
      // spaces between a closing quote and the delimiter
    } else {
      if (ch !== ' ') fieldStart = false;
      field += ch;
    }
  }
  out.push(field);
  return out.map((f) => f.replace(/\r$/, ''));
}

/**
 * Reads a header line: finds the delimiter (comma, semicolon or tab: the first that splits the
 * header into the required columns) and which column is which. Throws {@link NotAMeterCsvError}
 * when no delimiter gives the required columns, or when the file has both kwh and wh.
 * `columnMap` is "from=to,from=to" (e.g. "datetime=timestamp,consumption=wh"): a header `from` is
 * read as the canonical field `to`. `meterId` supplies the meter for files without that column.
 */
export function detectMeterCsv(file: string, headerLine: string, options: { columnMap?: string; meterId?: string }): MeterCsvLayout {
  const rename = parseColumnMap(file, options.columnMap);
  let best: { header: string[]; delimiter: CsvDelimiter; missing: string[] } | null = null;
  for (const delimiter of CSV_DELIMITERS) {
    const header = parseCsvLine(headerLine, delimiter).map((h) => h.trim());
    const found = columnsOf(header, rename, options);
    if (found.missing.length === 0) return layoutOf(file, header, delimiter, found);
    // For the message: the split that found the most required columns, then the most columns.
    if (!best || found.missing.length < best.missing.length || (found.missing.length === best.missing.length && header.length > best.header.length)) {
      best = { header, delimiter, missing: found.missing };
    }
  }
  throw new NotAMeterCsvError(file, best!.missing, best!.header, notAMeterHint(headerLine, best!.header), best!.delimiter);
}

interface FoundColumns {
  meterIdColumn: number | null;
  timestampColumn: number | null;
  kwh: number | null;
  wh: number | null;
  missing: string[];
}

function columnsOf(header: string[], rename: Map<string, string>, options: { meterId?: string }): FoundColumns {
  // A column named like a mapped field but not mapped itself is not that field (the mapping says which is).
  const mapped = new Set(rename.values());
  const names = header.map((h) => {
    const n = h.trim().toLowerCase();
    return rename.get(n) ?? (mapped.has(n) ? '' : n);
  });
  const index = (name: string): number | null => {
    const i = names.indexOf(name);
    return i === -1 ? null : i;
  };
  const found: FoundColumns = { meterIdColumn: index('meter_id'), timestampColumn: index('timestamp'), kwh: index('kwh'), wh: index('wh'), missing: [] };
  if (found.meterIdColumn === null && !options.meterId) found.missing.push('meter_id');
  if (found.timestampColumn === null) found.missing.push('timestamp');
  if (found.kwh === null && found.wh === null) found.missing.push('kwh (or wh)');
  return found;
}

function layoutOf(file: string, header: string[], delimiter: CsvDelimiter, found: FoundColumns): MeterCsvLayout {
  if (found.kwh !== null && found.wh !== null) throw new NotAMeterCsvError(file, [], header, '', delimiter);
  const valueField = found.kwh !== null ? 'kwh' : 'wh';
  return {
    header,
    delimiter,
    decimalComma: delimiter !== ',',
    meterIdColumn: found.meterIdColumn,
    timestampColumn: found.timestampColumn!,
    valueColumn: (found.kwh ?? found.wh)!,
    valueField,
    unitFactor: valueField === 'wh' ? 0.001 : 1,
  };
}

/** What to do about a header that is not a meter CSV's: not UTF-8, another separator, or other columns. */
function notAMeterHint(headerLine: string, header: string[]): string {
  if (headerLine.includes('\u0000')) {
    return 'The header has NUL bytes: the file looks like UTF-16 or binary, not UTF-8 text. Save or export it as UTF-8 CSV and import it again.';
  }
  if (headerLine.includes('\uFFFD')) {
    return 'The header has bytes that are not valid UTF-8: the file is not UTF-8 text. Save or export it as UTF-8 CSV and import it again.';
  }
  const lower = headerLine.toLowerCase();
  const named = ['meter_id', 'timestamp', 'kwh', 'wh'].filter((n) => lower.includes(n));
  if (header.length === 1 && named.length >= 2) {
    return 'The header names the columns but is not split by a comma, semicolon or tab: the file looks like it uses another separator. Export it with commas, semicolons or tabs between the columns and import it again.';
  }
  return 'Rename the header columns (or export the file with these names) and import it again.';
}

/**
 * `columnMap` in either form: "from=to,…" (header → field, the seed export's), or JSON field → header
 * (`{"kwh":"energy(kWh/hh)"}`, written by `gridlake import meters --columns` and known layouts:
 * header names may hold `=` or commas). Header names are compared trimmed and lower-cased.
 */
function parseColumnMap(file: string, spec: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (!spec) return map;
  if (spec.trimStart().startsWith('{')) {
    let fields: Record<string, unknown>;
    try {
      fields = JSON.parse(spec) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`Batch option columnMap for ${file} is not valid JSON (${(e as Error).message}): use {"field":"header",…}.`);
    }
    for (const [field, header] of Object.entries(fields)) {
      if (typeof header !== 'string' || !header.trim()) throw new Error(`Batch option columnMap for ${file}: field ${field} needs a header name, got ${JSON.stringify(header)}.`);
      map.set(header.trim().toLowerCase(), field.trim().toLowerCase());
    }
    return map;
  }
  for (const pair of spec.split(',')) {
    const [from, to] = pair.split('=').map((s) => s?.trim().toLowerCase());
    if (!from || !to) throw new Error(`Batch option columnMap "${spec}" for ${file} is malformed: use "from=to,from=to".`);
    map.set(from, to);
  }
  return map;
}
