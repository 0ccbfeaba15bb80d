/**
 * A whole CSV text split into records with the physical line each starts on (RFC 4180: `"` quotes,
 * `""` escapes, quoted fields may hold commas and line breaks; CRLF or LF; a UTF-8 BOM is dropped).
 * The seed files are tens of kilobytes, so reading them whole is fine; line numbers make every
 * quarantine reason point at the row a person can open.
 */

export interface CsvRecord {
  /** 1-based line of the record's first character (the header is line 1). */
  line: number;
  fields: string[];
}

export interface CsvTable {
  header: string[];
  records: CsvRecord[];
  /** Records whose field count differs from the header's, kept aside with their line. */
  malformed: { line: number; fields: string[]; reason: string }[];
}

export class CsvFormatError extends Error {
  override readonly name = 'CsvFormatError';
}

export function parseCsvText(text: string, file: string): CsvTable {
  const all = splitRecords(text.replace(/^\uFEFF/, ''), file);
  const first = all.shift();
  if (!first || (first.fields.length === 1 && first.fields[0] === '')) {
    throw new CsvFormatError(`${file} is empty: it needs a header line and rows. Export the file again.`);
  }
  const header = first.fields.map((h) => h.trim());
  const records: CsvRecord[] = [];
  const malformed: CsvTable['malformed'] = [];
  for (const r of all) {
    if (r.fields.length === 1 && r.fields[0]!.trim() === '') continue; // blank line
    if (r.fields.length !== header.length) {
      malformed.push({
        line: r.line,
        fields: r.fields,
        reason: `${file} line ${r.line}: ${r.fields.length} fields, the header has ${header.length}; quote values that contain commas`,
      });
    } else records.push(r);
  }
  return { header, records, malformed };
}

function splitRecords(text: string, file: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let quoteOpenedAt = 0;
  const endRecord = () => {
    fields.push(field);
    out.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field.trim() === '') {
      field = '';
      quoted = true;
      quoteOpenedAt = line;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else field += ch;
  }
  if (quoted) throw new CsvFormatError(`${file} line ${quoteOpenedAt}: a quoted field is never closed; the file is truncated or a quote is missing.`);
  if (field !== '' || fields.length > 0) endRecord();
  return out;
}

/** Header name → column index; throws naming the missing columns and the file. */
export function requireColumns(table: CsvTable, file: string, required: readonly string[]): Map<string, number> {
  const index = new Map(table.header.map((h, i) => [h.toUpperCase(), i]));
  const missing = required.filter((c) => !index.has(c));
  if (missing.length) {
    throw new CsvFormatError(
      `${file} lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (it has ${table.header.join(', ')}): ` +
        'it is not in the charging-station seed layout; see docs/EV.md.',
    );
  }
  return index;
}
