/**
 * Stages a raw object in DuckDB as the view `source_rows(<spec fields>, raw_fields, c0..cN)` the
 * dataset SQL reads: every value as text, in file order; `raw_fields` = all fields of the row as
 * written (for quarantine records), also available one by one as c0..cN so that SQL can build the
 * list only for the rows it rejects (`list_value(*COLUMNS('^c[0-9]+$'))`; building it for every row
 * costs as much as a check). A CSV is not copied into a table: the view reads the file, so the dataset
 * SQL parses and checks it in the same scan. JSON lines (small collector output) are staged in the
 * temp table `raw`, and their view also has `ord` (position in the file).
 * Column names in this SQL are generated here (c0, c1, … and the spec's fixed field names), never
 * taken from the file; the file path and the CSV delimiter (one of CSV_DELIMITERS) are variables.
 */
import { stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { assertIdentifier } from '../../ports/warehouse';
import { csvLineNumbers, csvRecordsAtLines } from './csv-line-numbers';
import { detectMeterCsv, NotAMeterCsvError, parseCsvLine, readHeaderLine, type MeterCsvLayout } from './csv-header';
import type { TransformSession } from './duckdb-session';
import type { TransformSpec } from './dataset-specs';

/** A CSV line DuckDB could not split into the header's columns. */
export interface RejectedLine {
  line: number;
  reason: string;
  record: Record<string, string>;
}

export interface StagedRaw {
  /** Field names as written in the raw file, one per element of `raw_fields` (quarantine records use them). */
  fieldNames: string[];
  /** Lines the reader could not split into the header's columns (not in `source_rows`). */
  rejects: RejectedLine[];
  /** Line numbers of accepted rows, by ordinal (position among the rows of `source_rows`, 1-based). */
  lineNumbers(ordinals: number[]): Promise<Map<number, number>>;
  /** The raw fields of accepted rows, by ordinal (`lines` from lineNumbers): for rejected rows whose SQL kept none. */
  rawFieldsAt(ordinals: number[], lines: Map<number, number>): Promise<Map<number, string[]>>;
  /** For meter CSVs: which column is which. */
  layout?: MeterCsvLayout;
}

const columnList = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);

/**
 * A meter readings CSV (header required; any column order; kwh or wh; comma, semicolon or tab
 * delimiter, found from the header; BOM, CRLF and quotes handled).
 */
export async function stageMeterCsv(
  session: TransformSession,
  path: string,
  file: string,
  options: { columnMap?: string; meterId?: string },
): Promise<StagedRaw> {
  const headerLine = await readHeaderLine(path);
  if (headerLine === null) return emptyStage(session, ['meter_id', 'timestamp', 'kwh'], ['meter_id', 'timestamp', 'value']);
  const layout = detectMeterCsv(file, headerLine, options);
  const header = layout.header;
  // The delimiter is one of CSV_DELIMITERS (never text from the file) and reaches read_csv as a variable.
  const cols = columnList(header.length);
  await session.setVariables({ raw_path: path, file_meter_id: options.meterId ?? null, csv_delimiter: layout.delimiter });
  const columns = `{${cols.map((c) => `'${c}': 'VARCHAR'`).join(', ')}}`;
  const meterExpr = layout.meterIdColumn === null ? `getvariable('file_meter_id')` : `c${layout.meterIdColumn}`;
  await session.run(
    `CREATE OR REPLACE TEMP VIEW source_rows AS SELECT ${meterExpr} AS meter_id, c${layout.timestampColumn} AS timestamp,
       c${layout.valueColumn} AS value, [${cols.join(', ')}] AS raw_fields, ${cols.join(', ')}
     FROM read_csv(getvariable('raw_path'), auto_detect = false, header = true,
       delim = getvariable('csv_delimiter'), quote = '"', escape = '"', store_rejects = true, columns = ${columns})`,
  );
  return { fieldNames: header, layout, rejects: [], lineNumbers: async () => new Map(), rawFieldsAt: async () => new Map() };
}

/**
 * After the dataset SQL has read `source_rows`: the lines DuckDB could not split (wrong column
 * count), from its reject list, and the line numbers of accepted rows.
 */
export async function csvReaderRejects(session: TransformSession, staged: StagedRaw, path: string): Promise<StagedRaw> {
  const header = staged.fieldNames;
  const delimiter = staged.layout?.delimiter ?? ',';
  const rejectRows = await session.rows<{ line: number; error_type: string; csv_line: string; message: string }>(
    `SELECT line, first(error_type ORDER BY column_idx) AS error_type, first(csv_line) AS csv_line, first(error_message) AS message
       FROM reject_errors GROUP BY line ORDER BY line`,
  );
  const rejects = rejectRows.map((r) => ({
    line: r.line,
    reason: readerRejectReason(r.error_type, r.message, header.length),
    record: recordOf(header, parseCsvLine(r.csv_line.replace(/^[\r\n]+/, ''), delimiter)),
  }));
  const rejectedLines = rejects.map((r) => r.line);
  return {
    ...staged,
    rejects,
    lineNumbers: (ordinals) => csvLineNumbers(path, rejectedLines, ordinals, delimiter),
    rawFieldsAt: async (ordinals, lines) => {
      const records = await csvRecordsAtLines(path, ordinals.map((o) => lines.get(o) ?? 0), delimiter);
      const out = new Map<number, string[]>();
      for (const o of ordinals) {
        const fields = records.get(lines.get(o) ?? 0);
        if (fields) out.set(o, fields);
      }
      return out;
    },
  };
}

/** Why DuckDB's CSV reader could not take a line, by its error type (reject_errors.error_type). */
export function readerRejectReason(errorType: string, message: string, headerColumns: number): string {
  switch (errorType) {
    case 'MISSING COLUMNS':
    case 'TOO MANY COLUMNS':
      return `wrong column count: ${message} (header has ${headerColumns} columns)`;
    case 'INVALID UNICODE':
    case 'INVALID ENCODING':
      return `not UTF-8 text (save the file as UTF-8): ${message}`;
    case 'UNQUOTED VALUE':
    case 'INVALID STATE':
      return `malformed quotes: ${message}`;
    case 'LINE SIZE OVER MAXIMUM':
      return `line too long: ${message}`;
    default:
      return `unreadable CSV line: ${message}`;
  }
}

/** A JSONL or JSONL.gz object written by a collector: one record per line, fields named as the spec. */
export async function stageJsonl(
  session: TransformSession,
  path: string,
  file: string,
  spec: TransformSpec,
  jsonFieldFor: (field: string) => string = (f) => f,
): Promise<StagedRaw> {
  const jsonFields = spec.fields.map((f) => assertIdentifier(jsonFieldFor(f)));
  if (await isEmptyJsonl(path)) return emptyStage(session, jsonFields, spec.fields);
  await session.setVariables({ raw_path: path });
  const columns = `{${jsonFields.map((f) => `'${f}': 'VARCHAR'`).join(', ')}}`;
  try {
    await session.run(
      `CREATE OR REPLACE TEMP TABLE raw AS SELECT ${jsonFields.map((f, i) => `"${f}" AS c${i}`).join(', ')}
         FROM read_json(getvariable('raw_path'), format = 'newline_delimited', columns = ${columns})`,
    );
  } catch (e) {
    throw new Error(`${file}: not valid JSON lines (${(e as Error).message}). The collector that wrote it must write one JSON object per line.`, {
      cause: e,
    });
  }
  await createSourceRows(session, spec.fields);
  // One record per line, no header: the line number is the ordinal.
  return {
    fieldNames: jsonFields,
    rejects: [],
    lineNumbers: async (ords) => new Map(ords.map((o) => [o, o])),
    rawFieldsAt: (ords) => rawTableFields(session, ords),
  };
}

async function createSourceRows(session: TransformSession, fields: readonly string[]): Promise<void> {
  await session.run(
    `CREATE OR REPLACE TEMP VIEW source_rows AS SELECT rowid + 1 AS ord, ${fields.map((f, i) => `c${i} AS "${assertIdentifier(f)}"`).join(', ')},
       [${columnList(fields.length).join(', ')}] AS raw_fields, ${columnList(fields.length).join(', ')} FROM raw`,
  );
}

/** An empty raw object is valid: an empty `raw` table with the right columns. */
async function emptyStage(session: TransformSession, fieldNames: string[], fields: readonly string[]): Promise<StagedRaw> {
  await session.run(`CREATE OR REPLACE TEMP TABLE raw (${columnList(fields.length).map((c) => `${c} VARCHAR`).join(', ')})`);
  await createSourceRows(session, fields);
  return { fieldNames, rejects: [], lineNumbers: async () => new Map(), rawFieldsAt: async () => new Map() };
}

/** Fields of staged rows of the temp table `raw`, by ordinal (rowid + 1). */
async function rawTableFields(session: TransformSession, ordinals: number[]): Promise<Map<number, string[]>> {
  const wanted = new Set(ordinals);
  const out = new Map<number, string[]>();
  if (!wanted.size) return out;
  // The wanted rows are the rejected ones without fields (temp table `bad`): a join, no value list.
  for await (const rows of session.stream('SELECT s.ord, s.raw_fields FROM source_rows s JOIN bad b ON b.ord = s.ord WHERE b.raw_fields IS NULL')) {
    for (const [ord, fields] of rows) if (wanted.has(ord as number)) out.set(ord as number, fields as string[]);
  }
  return out;
}

async function isEmptyJsonl(path: string): Promise<boolean> {
  const { size } = await stat(path);
  if (size === 0) return true;
  if (!path.endsWith('.gz') || size > 4096) return false;
  return gunzipSync(await readFile(path)).toString('utf8').trim() === '';
}

function recordOf(header: string[], fields: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  fields.forEach((v, i) => {
    record[header[i] ?? `column_${i + 1}`] = v;
  });
  return record;
}

export { NotAMeterCsvError };
