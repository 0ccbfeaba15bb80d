/**
 * Reads a meter CSV's header and decides which column is which, before DuckDB reads the body. Any
 * column order works; `wh` instead of `kwh` is converted (÷1000); a column map renames foreign
 * headers (the seed app's `datetime,consumption`). A file without the required columns is not a
 * meter CSV at all: that fails the batch with {@link NotAMeterCsvError}, rows are never guessed.
 */
import { open } from 'node:fs/promises';

export class NotAMeterCsvError extends Error {
  override readonly name = 'NotAMeterCsvError';
  constructor(
    readonly file: string,
    readonly missing: readonly string[],
    readonly found: readonly string[],
    detail = '',
  ) {
    super(
      `${file} is not a meter readings CSV: missing column(s) ${missing.join(', ')} (found: ${found.join(', ') || 'no header'}). ` +
        `Expected a header "meter_id,timestamp,kwh" or "meter_id,timestamp,wh" (any order).${detail ? ` ${detail}` : ''}`,
    );
  }
}

/** Where each canonical field is in the file, and the factor that turns the value column into kWh. */
export interface MeterCsvLayout {
  /** Header names as written (BOM and surrounding quotes removed), one per column. */
  header: string[];
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

/** Splits one CSV line (RFC 4180 quotes, `""` inside quotes) into fields. */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out.map((f) => f.replace(/\r$/, ''));
}

/**
 * `columnMap` is "from=to,from=to" (e.g. "datetime=timestamp,consumption=wh"): a header `from`
 * is read as the canonical field `to`. `meterId` supplies the meter for files without that column.
 */
export function meterCsvLayout(file: string, header: string[], options: { columnMap?: string; meterId?: string }): MeterCsvLayout {
  const rename = parseColumnMap(file, options.columnMap);
  const names = header.map((h) => {
    const n = h.trim().toLowerCase();
    return rename.get(n) ?? n;
  });
  const index = (name: string): number | null => {
    const i = names.indexOf(name);
    return i === -1 ? null : i;
  };
  const meterIdColumn = index('meter_id');
  const timestampColumn = index('timestamp');
  const kwh = index('kwh');
  const wh = index('wh');
  const missing: string[] = [];
  if (meterIdColumn === null && !options.meterId) missing.push('meter_id');
  if (timestampColumn === null) missing.push('timestamp');
  if (kwh === null && wh === null) missing.push('kwh (or wh)');
  if (missing.length) throw new NotAMeterCsvError(file, missing, header);
  if (kwh !== null && wh !== null) {
    throw new NotAMeterCsvError(file, [], header, 'It has both kwh and wh columns: keep one, so each reading has one value.');
  }
  const valueField = kwh !== null ? 'kwh' : 'wh';
  return {
    header,
    meterIdColumn,
    timestampColumn: timestampColumn!,
    valueColumn: (kwh ?? wh)!,
    valueField,
    unitFactor: valueField === 'wh' ? 0.001 : 1,
  };
}

function parseColumnMap(file: string, spec: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (!spec) return map;
  for (const pair of spec.split(',')) {
    const [from, to] = pair.split('=').map((s) => s?.trim().toLowerCase());
    if (!from || !to) throw new Error(`Batch option columnMap "${spec}" for ${file} is malformed: use "from=to,from=to".`);
    map.set(from, to);
  }
  return map;
}
