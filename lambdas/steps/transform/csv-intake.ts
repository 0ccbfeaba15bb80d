/**
 * The door of a CSV batch: before DuckDB reads a meter CSV, its header is checked against the limits,
 * its data records are counted from the bytes (rows_in), and its broken records are set aside with a
 * reason (csv-survey.ts). The reader then reads the file, or its cleaned copy when there were broken
 * records or mixed line ends.
 */
import { join } from 'node:path';
import { RawFileRejected } from '../raw-file-rejected';
import { detectMeterCsv, parseCsvLine, readHeaderLine } from './csv-header';
import { CSV_LIMITS, cleanCsvCopy, surveyCsv } from './csv-survey';
import type { RejectedLine } from './raw-input';

export interface CsvIntake {
  /** The file the reader reads: the raw file, or the cleaned copy. */
  readPath: string;
  /** Data records of the raw file (header and blank lines not counted): the batch's rows_in. */
  records: number;
  /** Broken records, quarantined here (the reader never sees them), in line order. */
  broken: RejectedLine[];
}

export async function csvIntake(rawPath: string, file: string, options: { columnMap?: string; meterId?: string }, work: string): Promise<CsvIntake> {
  const header = await readHeaderLine(rawPath, CSV_LIMITS.maxLineBytes + 1);
  if (header === null) return { readPath: rawPath, records: 0, broken: [] };
  const tooBig = headerLimitProblem(header);
  if (tooBig) throw new RawFileRejected(file, 1, tooBig);
  const layout = detectMeterCsv(file, header, options);
  const survey = await surveyCsv(rawPath, layout.delimiter);
  if (survey.headerProblem) throw new RawFileRejected(file, 1, `${survey.headerProblem}. Fix the header line and import the file again.`);
  if (!survey.needsCleanCopy) return { readPath: rawPath, records: survey.records, broken: [] };
  const readPath = join(work, 'clean.csv');
  const texts = await cleanCsvCopy(rawPath, readPath, survey);
  const broken = survey.broken.map((b) => ({ line: b.line, reason: b.reason, record: recordOf(layout.header, parseCsvLine(texts.get(b.line) ?? '', layout.delimiter)) }));
  return { readPath, records: survey.records, broken };
}

/**
 * The header limits (CSV_LIMITS), checked before the header is split into columns; the import checks
 * them too, so a file over them never lands. `header` as readHeaderLine returns it (read with a
 * maximum of maxLineBytes + 1 bytes). Null when within the limits.
 */
export function headerLimitProblem(header: string): string | null {
  if (Buffer.byteLength(header) > CSV_LIMITS.maxLineBytes) {
    return `the header is longer than ${CSV_LIMITS.maxLineBytes} bytes. A meter CSV header is "meter_id,timestamp,kwh": remove the other columns and import the file again.`;
  }
  // Every delimiter is counted (the file's is not known yet): an upper bound of the columns.
  const columns = Math.max(...[',', ';', '\t'].map((d) => header.split(d).length));
  if (columns > CSV_LIMITS.maxColumns) {
    return `the header has ${columns} columns, the maximum is ${CSV_LIMITS.maxColumns}. Remove the columns other than meter_id, timestamp and kwh (or wh) and import the file again.`;
  }
  return null;
}

function recordOf(header: string[], fields: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  fields.forEach((v, i) => {
    record[header[i] ?? `column_${i + 1}`] = v;
  });
  return record;
}
