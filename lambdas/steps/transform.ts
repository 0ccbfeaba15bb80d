/**
 * The transform step: a batch of raw objects (or one) → curated Parquet + quarantine, each file on a
 * fresh DuckDB connection (one DuckDB instance per process, see transform/duckdb-session.ts).
 *
 *   raw object ─▶ view `source_rows` (text, file order; a CSV is read in place) ─▶ <dataset>.sql:
 *   view `checked` (one row per source row), view `rejected` (ord, reason, raw fields) and view
 *   `curated` (typed, deduplicated on the natural key, the warehouse columns)
 *   ─▶ curated/<dataset>/dt=<date>/<runId>-<tag>.parquet   (always written, empty when no rows)
 *   ─▶ quarantine/<source>/dt=<date>/run=<runId>/<tag>-rejects.jsonl   (only when rows were rejected)
 *
 * A dataset SQL file without a `rejected` view gets the default: `checked` rows with a reason.
 * Counts reconcile: rowsIn = rowsOut + duplicates + quarantined (asserted before returning).
 * Rules (units, DST, maximum, reasons) are documented in docs/TRANSFORM.md.
 */
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Batch, BatchOutput, FileResult, RejectedFile, TransformBatch } from '../contract/manifests';
import { sqlFile } from '../sql/files';
import type { StepPorts } from './ports';
import { transformSpec, type TransformSpec } from './transform/dataset-specs';
import { TransformSession, type Params } from './transform/duckdb-session';
import { localPathOf } from './transform/local-copy';
import { plainCsvPath } from './transform/gzip-csv';
import { knownTimezones } from './transform/known-timezones';
import { loadMeterRegistry } from './transform/meter-registry';
import { readNaiveTimesInOneZone } from './transform/naive-times-zone';
import { batchCuratedKey, batchQuarantineKey } from './transform/object-keys';
import { planQuarantine, writeQuarantine } from './transform/quarantine-writer';
import { csvReaderRejects, NotAMeterCsvError, stageJsonl, stageMeterCsv, type StagedRaw } from './transform/raw-input';
import { csvIntake, type CsvIntake } from './transform/csv-intake';
import { isInputError, lineOfInputError, RawFileRejected } from './raw-file-rejected';
import { runSqlScript } from './transform/sql-script';

export interface TransformOptions {
  /** DuckDB memory_limit. Default 640MB (the process stays under 1 GiB); the cloud sizes it from the function's memory. */
  memoryLimit?: string;
  threads?: number;
  /** DuckDB temp_directory (spill). Default `<ports.tmpDir>/duckdb-spill`. */
  tempDirectory?: string;
  /** DuckDB max_temp_directory_size: the spill's share of the function's ephemeral storage. Default DuckDB's own. */
  maxTempDirectorySize?: string;
  /** Files of a batch read at once. Default: the threads (else the cores), at most 4. */
  fileConcurrency?: number;
}

function fileConcurrency(options: TransformOptions): number {
  return Math.max(1, Math.min(4, options.fileConcurrency ?? options.threads ?? availableParallelism()));
}

export class TransformError extends Error {
  override readonly name = 'TransformError';
}

/** What one file's transform left in its work folder, before anything is uploaded. */
interface FileOutcome {
  /** Written only when rows were rejected. */
  quarantinePath: string;
  rowsIn: number;
  rowsOut: number;
  duplicates: number;
  quarantined: number;
  timezone?: string;
  warnings?: string[];
}

/** Columns the curated rows of a batch carry beyond the table's, for the load to order versions (lambdas/steps/load.ts). */
interface LoadColumns {
  fileSeq: number;
  /** meter_readings: the zone the file's naive times were read in (the load registers unknown meters with it). */
  fileTimezone?: string;
}

/**
 * Where a file's curated rows go. A one-file batch (a large file is a batch of its own) writes its
 * Parquet straight from the dedupe, never holding the rows. Several files append to one table of the
 * process's DuckDB instance (a generated name, so concurrent batches never meet), written once as the
 * batch's Parquet at the end: a Parquet part per file, read back and rewritten, cost more than the
 * transform of a small file itself. The table holds at most the batch's rows (`transform.batchBytes`
 * of CSV) and spills past the memory limit like any DuckDB table.
 */
type CuratedSink = { kind: 'file'; path: string } | { kind: 'table'; table: string; index: number };

/** The column that tells the files of a batch table apart (dropped when the table is written out). */
const FILE_INDEX_COLUMN = 'batch_file_index';

function sessionOptions(ports: StepPorts, options: TransformOptions) {
  return {
    spillDir: options.tempDirectory ?? join(ports.tmpDir, 'duckdb-spill'),
    memoryLimit: options.memoryLimit,
    threads: options.threads,
    maxTempDirectorySize: options.maxTempDirectorySize,
  };
}

/**
 * A batch of raw files (one dataset; Collect grouped them: ./transform-batches.ts) → ONE curated
 * Parquet and one quarantine file for the whole batch. Each file is read on its own connection (its
 * own door, counts, line numbers, dedupe: last in file order wins; nothing of one file's session is
 * seen by the next), and its curated rows get the file's position (`file_seq`; readings also
 * `file_timezone`), so the load orders versions across all files at once. A file its source cannot
 * read as a whole (RawFileRejected) is left out and reported in `rejected`: the batch's other files
 * still load. Files are read a few at a time (`fileConcurrency`); the rows are written in file order.
 * Each file's raw copy and work files are removed as soon as it is done, so /tmp holds at most
 * `fileConcurrency` raw files at a time.
 */
export async function transformBatch(batch: TransformBatch, ports: StepPorts, options: TransformOptions = {}): Promise<BatchOutput> {
  const started = performance.now();
  await mkdir(ports.tmpDir, { recursive: true });
  const work = await mkdtemp(join(ports.tmpDir, 'gridlake-batch-'));
  const single = batch.files.length === 1;
  const table = single ? null : `gridlake_batch_${randomUUID().replace(/-/g, '')}`;
  const combined = join(work, 'curated.parquet');
  try {
    // Files are read `fileConcurrency` at a time (a small file keeps one core busy at most), and
    // their curated rows are written in file order: each file's write waits for the previous file's
    // (released once written, or when the file ends in any other way).
    const turns = batch.files.map(() => {
      let release!: () => void;
      const done = new Promise<void>((resolve) => (release = resolve));
      return { done, release };
    });
    const outcomes: ({ result: FileResult; quarantinePart: string | null; warnings: string[] } | { rejected: RejectedFile })[] = [];
    const one = async (i: number) => {
      const file = batch.files[i]!;
      const oneFile: Batch = { runId: batch.runId, date: batch.date, source: batch.source, dataset: batch.dataset, rawKey: file.rawKey, format: file.format, options: file.options };
      const fileWork = join(work, `f${i}`);
      const sink: CuratedSink = table ? { kind: 'table', table, index: i } : { kind: 'file', path: combined };
      const myTurn = () => (i > 0 ? turns[i - 1]!.done : Promise.resolve());
      try {
        await mkdir(fileWork);
        const fileTimezone = batch.dataset === 'meter_readings' ? readingsTimezone(oneFile, ports) : undefined;
        const done = await transformFile(oneFile, ports, options, fileWork, { fileSeq: file.seq, fileTimezone }, sink, { wait: myTurn, release: turns[i]!.release });
        let quarantinePart: string | null = null;
        if (done.quarantined > 0) {
          quarantinePart = join(work, `part-${i}.jsonl`);
          await rename(done.quarantinePath, quarantinePart);
        }
        const result: FileResult = {
          rawKey: file.rawKey,
          seq: file.seq,
          rowsIn: done.rowsIn,
          rowsOut: done.rowsOut,
          duplicates: done.duplicates,
          quarantined: done.quarantined,
          ...(done.timezone !== undefined ? { timezone: done.timezone } : {}),
        };
        outcomes[i] = { result, quarantinePart, warnings: (done.warnings ?? []).map((w) => `${file.rawKey.split('/').pop()}: ${w}`) };
      } catch (e) {
        if (!(e instanceof RawFileRejected)) throw e;
        ports.log.warn('raw file rejected', { rawKey: file.rawKey, line: e.line, error: e.message });
        outcomes[i] = { rejected: { rawKey: file.rawKey, error: JSON.stringify({ errorType: e.name, errorMessage: e.message }) } };
        // Rows are written only after a file's counts are checked; this keeps that true if the order changes.
        await myTurn();
        if (sink.kind === 'file') await rm(sink.path, { force: true });
        else await withSession(ports, options, (s) => dropFileRows(s, sink));
      } finally {
        turns[i]!.release();
        await rm(fileWork, { recursive: true, force: true });
      }
    };
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (!failed && next < batch.files.length) {
        try {
          await one(next++);
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    };
    // Every worker is awaited before the work folder is removed, even when one fails.
    const settled = await Promise.allSettled(Array.from({ length: Math.min(fileConcurrency(options), batch.files.length) }, worker));
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;

    const files: FileResult[] = [];
    const rejected: RejectedFile[] = [];
    const quarantineParts: string[] = [];
    const warnings: string[] = [];
    for (const o of outcomes) {
      if ('rejected' in o) {
        rejected.push(o.rejected);
        continue;
      }
      files.push(o.result);
      if (o.quarantinePart) quarantineParts.push(o.quarantinePart);
      warnings.push(...o.warnings);
    }

    const curated = batchCuratedKey(batch);
    const curatedKeys: string[] = [];
    const curatedBytes: number[] = [];
    if (files.length > 0) {
      if (table) await withSession(ports, options, (s) => writeBatchTable(s, table, combined));
      await ports.lake.putFile(curated, combined, { contentType: 'application/vnd.apache.parquet' });
      curatedKeys.push(curated);
      curatedBytes.push((await stat(combined)).size);
    } else {
      await ports.lake.delete(curated); // every file rejected: no rows, and no stale output of an earlier attempt
    }
    const totals = { rowsIn: 0, rowsOut: 0, duplicates: 0, quarantined: 0 };
    for (const f of files) {
      totals.rowsIn += f.rowsIn;
      totals.rowsOut += f.rowsOut;
      totals.duplicates += f.duplicates;
      totals.quarantined += f.quarantined;
    }
    const qKey = batchQuarantineKey(batch);
    if (quarantineParts.length > 0) {
      const q = join(work, 'rejects.jsonl');
      await concatFiles(quarantineParts, q);
      await ports.lake.putFile(qKey, q, { contentType: 'application/x-ndjson' });
    } else await ports.lake.delete(qKey); // a re-run under a changed rule must not leave stale rejects

    const result: BatchOutput = {
      runId: batch.runId,
      date: batch.date,
      source: batch.source,
      dataset: batch.dataset,
      tag: batch.tag,
      curatedKeys,
      curatedBytes,
      quarantineKey: quarantineParts.length > 0 ? qKey : null,
      ...totals,
      files,
      rejected,
      ...(warnings.length ? { warnings } : {}),
    };
    const { files: _files, ...summary } = result;
    ports.log.info('transformed batch', { ...summary, fileCount: batch.files.length, seconds: Number(((performance.now() - started) / 1000).toFixed(3)) });
    return result;
  } finally {
    if (table) await withSession(ports, options, (s) => s.run(`DROP TABLE IF EXISTS ${table}`)).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

async function withSession<T>(ports: StepPorts, options: TransformOptions, f: (s: TransformSession) => Promise<T>): Promise<T> {
  const session = await TransformSession.open(sessionOptions(ports, options));
  try {
    return await f(session);
  } finally {
    session.close();
  }
}

/** The batch table (its files' curated rows, in file order) as one zstd Parquet file. */
async function writeBatchTable(session: TransformSession, table: string, out: string): Promise<void> {
  await session.run(`COPY (SELECT * EXCLUDE (${FILE_INDEX_COLUMN}) FROM ${table}) TO $out (FORMAT parquet, COMPRESSION zstd)`, { out });
}

async function dropFileRows(session: TransformSession, sink: Extract<CuratedSink, { kind: 'table' }>): Promise<void> {
  const exists = await session.rows("SELECT 1 FROM duckdb_tables() WHERE NOT temporary AND table_name = $t", { t: sink.table });
  if (exists.length) await session.run(`DELETE FROM ${sink.table} WHERE ${FILE_INDEX_COLUMN} = $i`, { i: sink.index });
}

async function concatFiles(paths: string[], out: string): Promise<void> {
  const sink = createWriteStream(out);
  for (const p of paths) await pipeline(createReadStream(p), sink, { end: false });
  sink.end();
  await once(sink, 'close');
}

/**
 * Writes the curated rows of the file (view `curated`) with the load's ordering columns after the
 * table's (Redshift's COPY matches Parquet columns by position) to the sink; returns the rows written.
 */
async function writeCurated(session: TransformSession, sink: CuratedSink, loadColumns: LoadColumns): Promise<number> {
  const timezoneColumn = loadColumns.fileTimezone !== undefined ? ', CAST($file_timezone AS VARCHAR) AS file_timezone' : '';
  const select = `SELECT *, CAST($file_seq AS INTEGER) AS file_seq${timezoneColumn} FROM curated`;
  const params: Params = { file_seq: loadColumns.fileSeq, ...(loadColumns.fileTimezone !== undefined ? { file_timezone: loadColumns.fileTimezone } : {}) };
  if (sink.kind === 'file') return session.count(`COPY (${select}) TO $out (FORMAT parquet, COMPRESSION zstd)`, { ...params, out: sink.path });
  // The table's columns come from the first file that reaches it (every file's curated view has the same).
  await session.run(`CREATE TABLE IF NOT EXISTS ${sink.table} AS SELECT *, 0 AS ${FILE_INDEX_COLUMN} FROM (${select}) LIMIT 0`, params);
  return session.count(`INSERT INTO ${sink.table} SELECT *, CAST($index AS INTEGER) FROM (${select})`, { ...params, index: sink.index });
}

/** The transform of one raw file in `work` (quarantine lines there, curated rows to `sink`), counts checked. */
async function transformFile(
  batch: Batch,
  ports: StepPorts,
  options: TransformOptions,
  work: string,
  loadColumns: LoadColumns,
  sink: CuratedSink,
  turn: { wait: () => Promise<void>; release: () => void },
): Promise<FileOutcome> {
  const spec = transformSpec(batch.dataset, batch.rawKey);
  // A fresh connection per file: temp tables, views, macros, variables and the CSV reader's reject
  // tables are the connection's own, so nothing of one file reaches the next (a connection costs ~0.3 ms).
  const session = await TransformSession.open(sessionOptions(ports, options));
  try {
    const file = batch.rawKey;
    let rawPath = await localPathOf(ports.lake, batch.rawKey, work, 'raw');
    // A gzip-compressed CSV (.csv.gz) is decompressed into the work folder; every reader sees text.
    if (batch.format === 'csv') rawPath = await plainCsvPath(rawPath, batch.rawKey, work);
    const intake = await readRaw(session, batch, spec, ports, work, rawPath);
    const staged = intake.staged;
    await assertCuratedColumns(session, spec);

    await session.run('CREATE TEMP VIEW IF NOT EXISTS rejected AS SELECT ord, reason, NULL::VARCHAR[] AS raw_fields FROM checked WHERE reason IS NOT NULL');
    await session.run('CREATE OR REPLACE TEMP TABLE bad AS SELECT ord, reason, raw_fields FROM rejected');
    const { badRows, sourceRows } = await session.one<{ badRows: number; sourceRows: number }>(
      'SELECT (SELECT count(*) FROM bad) AS badRows, (SELECT count(*) FROM checked) AS sourceRows',
    );
    // A CSV's rows_in is counted from its bytes: the reader's rows and rejects must add up to it
    // (checked before any row is written: a file rejected here leaves nothing in the batch).
    const rowsIn = intake.csv ? intake.csv.records : sourceRows + staged.rejects.length;
    if (intake.csv && sourceRows + staged.rejects.length !== rowsIn) throw await unreadRecords(staged, file, rowsIn, sourceRows);
    const plan = await planQuarantine(session, staged);

    // The batch's rows are written in file order: this file's write waits for the previous file's.
    await turn.wait();
    let rowsOut: number;
    try {
      rowsOut = await writeCurated(session, sink, loadColumns);
    } finally {
      turn.release();
    }
    const quarantinePath = join(work, 'rejects.jsonl');
    const quarantined = await writeQuarantine(session, staged, file, quarantinePath, plan);

    const duplicates = sourceRows - badRows - rowsOut;
    if (duplicates < 0 || quarantined !== badRows + staged.rejects.length || rowsIn !== rowsOut + duplicates + quarantined) {
      throw new TransformError(
        `${file}: counts do not reconcile (in ${rowsIn}, out ${rowsOut}, duplicates ${duplicates}, quarantined ${quarantined}). This is a bug in lambdas/sql/transform/${spec.dataset}.sql.`,
      );
    }
    const outcome: FileOutcome = { quarantinePath, rowsIn, rowsOut, duplicates, quarantined };
    if (spec.dataset === 'meter_readings') {
      outcome.timezone = readingsTimezone(batch, ports);
      if (batch.format === 'csv') {
        const coarser = await coarserGridWarning(session, sink, ports.config.meters.intervalMinutes, rowsOut);
        if (coarser) outcome.warnings = [coarser];
      }
    }
    return outcome;
  } finally {
    session.close();
  }
}

/**
 * Reads the raw object through the dataset SQL: a CSV passes the door first (limits, record count,
 * broken records set aside; csv-intake.ts). Anything about the file itself that stops the reading
 * (not a meter CSV, an unreadable header, bytes DuckDB's reader fails on, JSON lines that are not
 * JSON) becomes {@link RawFileRejected}: only this batch fails, naming the file, the line and the fix.
 */
async function readRaw(
  session: TransformSession,
  batch: Batch,
  spec: TransformSpec,
  ports: StepPorts,
  work: string,
  rawPath: string,
): Promise<{ staged: StagedRaw; csv: CsvIntake | null }> {
  const file = batch.rawKey;
  try {
    const csv = batch.format === 'csv' ? await csvIntake(rawPath, file, csvOptions(batch), work) : null;
    const readPath = csv?.readPath ?? rawPath;
    let staged = await stage(session, batch, spec, readPath);
    await session.setVariables({ ...(await datasetVariables(session, batch, ports, work, staged)), source: batch.source, run_id: batch.runId });
    await runSqlScript(session, sqlFile(`transform/${spec.dataset}.sql`), work);
    // The CSV reader records the lines it could not split while the dataset SQL reads the file.
    if (csv && staged.layout) {
      staged = await csvReaderRejects(session, staged, readPath);
      staged = { ...staged, rejects: [...staged.rejects, ...csv.broken].sort((a, b) => a.line - b.line) };
    }
    return { staged, csv };
  } catch (e) {
    if (e instanceof RawFileRejected || e instanceof TransformError) throw e;
    if (e instanceof NotAMeterCsvError) throw RawFileRejected.from(file, 1, e);
    if (!isInputError(e)) throw e;
    throw new RawFileRejected(
      file,
      lineOfInputError(e),
      `the file cannot be read (${firstLine((e as Error).message)}). ` +
        (batch.format === 'csv'
          ? 'Check that it is UTF-8 text with one record per line and a header separated by commas, semicolons or tabs, then import it again.'
          : 'The collector that wrote it must write one JSON object per line; re-run the collect for this date.'),
      { cause: e },
    );
  }
}

const firstLine = (message: string) => message.split('\n')[0]!.slice(0, 300);

/**
 * The reader returned fewer rows than the file has records and said nothing about the rest: the
 * batch fails, naming the first record it did not return.
 */
async function unreadRecords(staged: StagedRaw, file: string, records: number, sourceRows: number): Promise<RawFileRejected> {
  const lastRead = sourceRows > 0 ? (await staged.lineNumbers([sourceRows])).get(sourceRows) ?? null : 1;
  return new RawFileRejected(
    file,
    lastRead === null ? null : lastRead + 1,
    `the file has ${records} data records, but the CSV reader returned ${sourceRows} rows and rejected ${staged.rejects.length} (it stopped after line ${lastRead ?? '?'}). ` +
      'Look at the quotes and line breaks from that line on, fix them and import the file again.',
  );
}

function csvOptions(batch: Batch): { columnMap?: string; meterId?: string } {
  return { columnMap: stringOption(batch, 'columnMap'), meterId: stringOption(batch, 'meterId') };
}

async function stage(session: TransformSession, batch: Batch, spec: TransformSpec, rawPath: string): Promise<StagedRaw> {
  if (batch.format === 'csv') {
    if (spec.dataset !== 'meter_readings') {
      throw new TransformError(`${batch.rawKey}: CSV input is only supported for meter_readings, not ${spec.dataset}; write JSON lines (.jsonl.gz).`);
    }
    return stageMeterCsv(session, rawPath, batch.rawKey, csvOptions(batch));
  }
  // JSONL readings carry `kwh`; the readings SQL reads it as `value` (factor 1).
  return stageJsonl(session, rawPath, batch.rawKey, spec, (f) => (spec.dataset === 'meter_readings' && f === 'value' ? 'kwh' : f));
}

async function datasetVariables(session: TransformSession, batch: Batch, ports: StepPorts, work: string, staged: StagedRaw): Promise<Params> {
  switch (batch.dataset) {
    case 'meter_readings': {
      const timezone = readingsTimezone(batch, ports);
      const timestampsZone = stringOption(batch, 'timestampsZone');
      for (const [name, zone] of [['timezone', timezone], ['timestampsZone', timestampsZone]] as const) {
        if (zone !== undefined && !(await knownTimezones(session)).has(zone)) {
          throw new TransformError(`${batch.rawKey}: batch option ${name} "${zone}" is not an IANA timezone; use a name such as Europe/London.`);
        }
      }
      const hasRegistry = await loadMeterRegistry(session, ports.lake, stringOption(batch, 'metersKey'), work);
      if (timestampsZone !== undefined) await readNaiveTimesInOneZone(session);
      return {
        unit_factor: staged.layout?.unitFactor ?? 1,
        decimal_comma: staged.layout?.decimalComma ?? false,
        value_field: staged.layout?.valueField ?? 'kwh',
        // naive timestamps are read in this zone (the meters' own unless the batch names another)
        default_tz: timestampsZone ?? timezone,
        max_kwh: ports.config.meters.maxIntervalKwh,
        interval_minutes: ports.config.meters.intervalMinutes,
        has_registry: hasRegistry,
        not_after: ports.clock.now().toISOString(),
        not_after_naive: new Date(ports.clock.now().getTime() + 14 * 3600_000).toISOString().slice(0, 19),
        received_at: receivedAt(batch),
      };
    }
    case 'utility_usage': {
      // One statement for all factors: placeholders are generated, the values bound.
      const factors = Object.entries(ports.config.utilities.emissionFactors);
      const params: Params = {};
      const rows = factors.map(([energyType, factor], i) => {
        params[`t${i}`] = energyType;
        params[`f${i}`] = factor;
        return `($t${i}, $f${i})`;
      });
      await session.run('CREATE OR REPLACE TEMP TABLE emission_factors (energy_type VARCHAR, factor DOUBLE)');
      if (rows.length) await session.run(`INSERT INTO emission_factors VALUES ${rows.join(', ')}`, params);
      return {};
    }
    default:
      return {};
  }
}

/**
 * Readings that all start on a grid twice as coarse as the configured interval (every one on the
 * hour with 30-minute intervals) are most likely hourly readings, each loaded as one 30-minute
 * interval: the day totals are right, but intervals, averages and the gap rule are not. The rows are
 * loaded as told; the run says what to check. (UTC instants: a zone at :30 or :45 goes unnoticed.)
 */
async function coarserGridWarning(session: TransformSession, sink: CuratedSink, intervalMinutes: number, rows: number): Promise<string | null> {
  if (rows < 24 || 1440 % (2 * intervalMinutes) !== 0) return null;
  // Stops at the first reading off the coarser grid: ordinary data answers within its first rows.
  const offGridSql = 'epoch_us(interval_start) % ($coarse::BIGINT * 60000000) <> 0';
  const coarse = 2 * intervalMinutes;
  const offGrid =
    sink.kind === 'file'
      ? await session.rows(`SELECT 1 FROM read_parquet($out) WHERE ${offGridSql} LIMIT 1`, { out: sink.path, coarse })
      : await session.rows(`SELECT 1 FROM ${sink.table} WHERE ${FILE_INDEX_COLUMN} = $index AND ${offGridSql} LIMIT 1`, { index: sink.index, coarse });
  if (offGrid.length > 0) return null;
  return `all ${rows} readings start on a ${2 * intervalMinutes}-minute grid: if the meters read every ${2 * intervalMinutes} minutes, set meters.intervalMinutes to ${2 * intervalMinutes} (each row was loaded as one ${intervalMinutes}-minute interval)`;
}

/** The meters' home zone of a readings batch (local days; naive times too unless `timestampsZone` is set): the import's, else the configured default. */
function readingsTimezone(batch: Batch, ports: StepPorts): string {
  return stringOption(batch, 'timezone') ?? ports.config.meters.defaultTimezone;
}

/** Datasets whose SQL file was checked in this process (the files do not change while it runs). */
const checkedDatasets = new Set<string>();

/** The curated view must have exactly the warehouse table's columns, in order (the load matches by name). */
async function assertCuratedColumns(session: TransformSession, spec: TransformSpec): Promise<void> {
  const dataset = spec.dataset;
  if (checkedDatasets.has(dataset)) return;
  const got = (await session.rows<{ column_name: string }>('DESCRIBE curated')).map((r) => r.column_name);
  const want = spec.columns;
  if (got.join(',') !== want.join(',')) {
    throw new TransformError(
      `lambdas/sql/transform/${dataset}.sql: view curated has columns (${got.join(', ')}) but table ${dataset} has (${want.join(', ')}). Make them match.`,
    );
  }
  checkedDatasets.add(dataset);
}

/** When the batch's file was received (batch option receivedAt, an ISO instant), or null. */
function receivedAt(batch: Batch): string | null {
  const at = stringOption(batch, 'receivedAt');
  if (at === undefined) return null;
  if (Number.isNaN(Date.parse(at))) throw new TransformError(`${batch.rawKey}: batch option receivedAt "${at}" is not an ISO 8601 instant.`);
  return new Date(at).toISOString();
}

function stringOption(batch: Batch, name: string): string | undefined {
  const v = batch.options[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new TransformError(`${batch.rawKey}: batch option ${name} must be a string, got ${JSON.stringify(v)}.`);
  return v;
}
