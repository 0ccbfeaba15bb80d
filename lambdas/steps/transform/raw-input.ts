/**
 * Stages a raw object in DuckDB as the temp table `raw` (columns c0..cN, every value as text, in
 * file order: rowid = position) and the view `source_rows(ord, <spec fields>)` the dataset SQL reads.
 * Column names in this SQL are generated here (c0, c1, … and the spec's fixed field names), never
 * taken from the file; the file path is a bound variable.
 */
import { stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { assertIdentifier } from '../../ports/warehouse';
import { csvLineNumbers } from './csv-line-numbers';
import { meterCsvLayout, NotAMeterCsvError, parseCsvLine, readHeaderLine, type MeterCsvLayout } from './csv-header';
import type { TransformSession } from './duckdb-session';
import type { TransformSpec } from './dataset-specs';

/** A CSV line DuckDB could not split into the header's columns. */
export interface RejectedLine {
  line: number;
  reason: string;
  record: Record<string, string>;
}

export interface StagedRaw {
  /** Field names as written in the raw file, for c0..cN (quarantine records use them). */
  fieldNames: string[];
  /** Rows in `raw` (accepted by the reader). */
  rows: number;
  rejects: RejectedLine[];
  /** Line numbers of accepted rows, by ordinal (rowid + 1). */
  lineNumbers(ordinals: number[]): Promise<Map<number, number>>;
  /** For meter CSVs: which column is which. */
  layout?: MeterCsvLayout;
}

const columnList = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);

/** A meter readings CSV (header required; any column order; kwh or wh; BOM, CRLF and quotes handled). */
export async function stageMeterCsv(
  session: TransformSession,
  path: string,
  file: string,
  options: { columnMap?: string; meterId?: string },
): Promise<StagedRaw> {
  const headerLine = await readHeaderLine(path);
  if (headerLine === null) return emptyStage(session, ['meter_id', 'timestamp', 'kwh'], ['meter_id', 'timestamp', 'value']);
  const header = parseCsvLine(headerLine).map((h) => h.trim());
  const layout = meterCsvLayout(file, header, options);
  const cols = columnList(header.length);
  await session.setVariables({ raw_path: path, file_meter_id: options.meterId ?? null });
  const columns = `{${cols.map((c) => `'${c}': 'VARCHAR'`).join(', ')}}`;
  try {
    await session.run(
      `CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM read_csv(getvariable('raw_path'), auto_detect = false, header = true,
         delim = ',', quote = '"', escape = '"', store_rejects = true, columns = ${columns})`,
    );
  } catch (e) {
    throw new Error(`${file}: DuckDB could not read the CSV (${(e as Error).message}). Check it is UTF-8 text with a comma-separated header.`, { cause: e });
  }
  const meterExpr = layout.meterIdColumn === null ? `getvariable('file_meter_id')` : `c${layout.meterIdColumn}`;
  await session.run(
    `CREATE OR REPLACE TEMP VIEW source_rows AS SELECT rowid + 1 AS ord, ${meterExpr} AS meter_id,
       c${layout.timestampColumn} AS timestamp, c${layout.valueColumn} AS value FROM raw`,
  );
  const rejectRows = await session.rows<{ line: number; error_type: string; csv_line: string; message: string }>(
    `SELECT line, first(error_type ORDER BY column_idx) AS error_type, first(csv_line) AS csv_line, first(error_message) AS message
       FROM reject_errors GROUP BY line ORDER BY line`,
  );
  const rejects = rejectRows.map((r) => ({
    line: r.line,
    reason: `wrong column count: ${r.message} (header has ${header.length} columns)`,
    record: recordOf(header, parseCsvLine(r.csv_line.replace(/^[\r\n]+/, ''))),
  }));
  const { n } = await session.one<{ n: number }>('SELECT count(*) AS n FROM raw');
  const rejectedLines = rejects.map((r) => r.line);
  return {
    fieldNames: header,
    rows: n,
    rejects,
    layout,
    lineNumbers: (ordinals) => csvLineNumbers(path, rejectedLines, ordinals),
  };
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
  const { n } = await session.one<{ n: number }>('SELECT count(*) AS n FROM raw');
  // One record per line, no header: the line number is the ordinal.
  return { fieldNames: jsonFields, rows: n, rejects: [], lineNumbers: async (ords) => new Map(ords.map((o) => [o, o])) };
}

async function createSourceRows(session: TransformSession, fields: readonly string[]): Promise<void> {
  await session.run(
    `CREATE OR REPLACE TEMP VIEW source_rows AS SELECT rowid + 1 AS ord, ${fields.map((f, i) => `c${i} AS "${assertIdentifier(f)}"`).join(', ')} FROM raw`,
  );
}

/** An empty raw object is valid: an empty `raw` table with the right columns. */
async function emptyStage(session: TransformSession, fieldNames: string[], fields: readonly string[]): Promise<StagedRaw> {
  await session.run(`CREATE OR REPLACE TEMP TABLE raw (${columnList(fields.length).map((c) => `${c} VARCHAR`).join(', ')})`);
  await createSourceRows(session, fields);
  return { fieldNames, rows: 0, rejects: [], lineNumbers: async () => new Map() };
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
