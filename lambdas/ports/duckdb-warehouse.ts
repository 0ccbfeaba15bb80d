/**
 * Warehouse over an embedded DuckDB file: the local stand-in for Redshift. It honours the same
 * contract as the Redshift Data API adapter — named `:params` bound (never interpolated),
 * transactions as ordered batches, COPY from Parquet objects through a manifest, matched by column
 * position, UNLOAD to Parquet with Redshift's CLEANPATH semantics — so the same load SQL (COPY →
 * staging → MERGE) and the same unloads run on both.
 *
 * One connection, and every call waits its turn: DuckDB transactions belong to a connection, so
 * interleaving two callers' batches on one connection would mix their transactions.
 */
import { TransientError } from './transient-error';
import { mkdirSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import {
  DuckDBConnection,
  DuckDBInstance,
  DuckDBTypeId,
  JSDuckDBValueConverter,
  type DuckDBDataChunk,
  type DuckDBMaterializedResult,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { createTableSql } from '../datasets/create-table-sql';
import type { DatasetDeclaration } from '../datasets/dataset';
import { listKeys, type ObjectStore } from './object-store';
import { LocalFolderStore } from './local-folder-store';
import { redshiftCopy, redshiftUnload } from './redshift-sql-text';
import { StatementRecorder } from './statement-recorder';
import {
  assertCheckPassed,
  assertIdentifier,
  checkUnload,
  isCopy,
  isUnload,
  rewriteNamedParams,
  WarehouseError,
  type BatchItem,
  type Row,
  type SqlValue,
  type Statement,
  type UnloadStatement,
  type Warehouse,
} from './warehouse';

export interface DuckDbWarehouseOptions {
  /** Where COPY reads Parquet keys from (the data lake). */
  store?: ObjectStore;
  /** DuckDB memory_limit, e.g. '1GB'. Default: DuckDB's own (80% of RAM). */
  memoryLimit?: string;
  threads?: number;
  /**
   * For analysts' queries (`gridlake sql`): the file is opened read-only and DuckDB may not touch
   * anything outside it (no files, no network, no extension installs). Default false.
   */
  readOnly?: boolean;
  /**
   * Tests: append every statement run through the port, as the Redshift adapter would send it, to
   * this file (see statement-recorder.ts). Default: the file named by GRIDLAKE_SQL_RECORDING, if set.
   * `false`: never, for a test of this adapter that runs DuckDB-only SQL on purpose.
   */
  recordStatementsTo?: string | false;
}

/** DuckDB's transaction conflicts (optimistic concurrency: https://duckdb.org/docs/stable/connect/concurrency). */
const DUCKDB_CONFLICT = /write-write conflict|Conflict on tuple deletion|Could not set lock on file/i;

// What the recording holds for a CopyStatement: the Redshift COPY text with a placeholder manifest
// and role (the real ones exist only in the cloud; neither changes the grammar).
const RECORDED_MANIFEST = 's3://gridlake-lake/curated/_manifests/recorded.manifest';
const RECORDED_COPY_ROLE = 'arn:aws:iam::123456789012:role/gridlake-copy';
const RECORDED_UNLOAD_TARGET = 's3://gridlake-lake/curated/_unload/recorded/';

export class DuckDbWarehouse implements Warehouse {
  private queue: Promise<unknown> = Promise.resolve();
  /** Recording only: the DuckDB DDL this adapter made → the Redshift DDL of the same table. */
  private readonly redshiftDdlOf = new Map<string, string>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly store: ObjectStore | undefined,
    readonly path: string,
    private readonly recorder: StatementRecorder | undefined,
  ) {}

  /** Opens (creating if needed) the database file at `path`, or `:memory:`. */
  static async open(path: string, options: DuckDbWarehouseOptions = {}): Promise<DuckDbWarehouse> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const config: Record<string, string> = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'true' };
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    if (options.threads) config.threads = String(options.threads);
    if (options.readOnly) Object.assign(config, { access_mode: 'READ_ONLY', enable_external_access: 'false', autoload_known_extensions: 'false' });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (e) {
      const msg = (e as Error).message;
      if (/lock/i.test(msg)) {
        // Another process (a `gridlake sql`, another run) holds the file: the workflow's Retry waits it out.
        throw new TransientError('duckdb:open', `The local warehouse ${path} is in use by another gridlake process (${msg}). Stop it, or use another --data-dir.`);
      }
      throw e;
    }
    const conn = await instance.connect();
    // Warehouse timestamps are UTC instants; local days are computed explicitly with AT TIME ZONE.
    await conn.run("SET TimeZone = 'UTC'");
    const recordTo = options.recordStatementsTo;
    const recorder = recordTo === false ? undefined : recordTo ? new StatementRecorder(recordTo) : StatementRecorder.fromEnv();
    return new DuckDbWarehouse(instance, conn, options.store, path, recorder);
  }

  /**
   * The rows of a query, a result chunk (≤ 2,048 rows) at a time, for results larger than memory
   * should hold (`gridlake sql` printing a whole table). Holds the connection until the last chunk.
   */
  async *queryChunks(statement: Statement, onColumns?: (names: string[]) => void): AsyncGenerator<Row[]> {
    let release!: () => void;
    const done = new Promise<void>((r) => (release = r));
    let turn!: () => void;
    const started = new Promise<void>((r) => (turn = r));
    // Takes the connection's turn like every other call, and keeps it until the stream is drained.
    void this.serial(async () => {
      turn();
      await done;
    });
    await started;
    try {
      const { sql, params } = bound(statement);
      let result;
      try {
        result = await this.conn.stream(sql, params);
      } catch (e) {
        throw new WarehouseError(statement.name, (e as Error).message, { cause: e });
      }
      const names = result.columnNames();
      onColumns?.(names);
      const converters = result.columnTypes().map(converterFor);
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        yield chunkRows(chunk, names, converters);
      }
    } finally {
      release();
    }
  }

  /** How many statements `sql` holds (parsed by DuckDB, not by a regex). */
  async statementCount(sql: string): Promise<number> {
    return this.serial(async () => (await this.conn.extractStatements(sql)).count);
  }

  /**
   * The portable DDL without its `PRIMARY KEY (…)`: keys are declared (in lambdas/datasets/ and the
   * generated .sql files, for analysts and Postgres) but not enforced — as on Redshift, which never
   * enforces them. The load keeps natural keys unique on both (staging deduplicated, then MERGE, then
   * the unique check), and the local run does not pay for an index Redshift does not have: DuckDB
   * maintains an ART index per enforced key, which doubled the MERGE and COMMIT of every date
   * (30 dates × 48,000 readings: MERGE 2.8 s → 1.1 s, COMMIT 2.4 s → 1.2 s).
   */
  createTableSql(dataset: DatasetDeclaration): string {
    const sql = createTableSql(dataset, { primaryKey: false });
    if (this.recorder) this.redshiftDdlOf.set(sql, createTableSql(dataset, { redshift: true }));
    return sql;
  }

  query<T extends Row = Row>(statement: Statement): Promise<T[]> {
    return this.serial(async () => (await this.runStatement(statement, true)) as T[]);
  }

  execute(statement: Statement): Promise<void> {
    return this.serial(async () => {
      await this.runStatement(statement, false);
    });
  }

  transaction(items: BatchItem[]): Promise<Row[][]> {
    return this.serial(async () => {
      const scratch: string[] = [];
      const results: Row[][] = [];
      await this.conn.run('BEGIN TRANSACTION');
      try {
        for (const item of items) {
          if (isCopy(item)) {
            await this.copyParquet(item.name, item.copyParquet.table, item.copyParquet.keys, scratch);
            results.push([]);
          } else if (isUnload(item)) {
            await this.unloadParquet(item, scratch);
            results.push([]);
          } else {
            const rows = await this.runStatement(item, returnsRows(item.sql));
            assertCheckPassed(item, rows);
            results.push(rows);
          }
        }
        await this.conn.run('COMMIT');
        return results;
      } catch (e) {
        await this.conn.run('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        await Promise.all(scratch.map((d) => rm(d, { recursive: true, force: true })));
      }
    });
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.conn.closeSync();
    this.instance.closeSync();
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runStatement(statement: Statement, read: boolean): Promise<Row[]> {
    this.record(statement.name, this.redshiftDdlOf.get(statement.sql) ?? statement.sql);
    const { sql, params } = bound(statement);
    try {
      if (!read) {
        await this.conn.run(sql, params);
        return [];
      }
      return toRows(await this.conn.run(sql, params));
    } catch (e) {
      const message = (e as Error).message;
      // A transaction conflict rolls back and may pass on a later attempt (the workflow's Retry).
      if (DUCKDB_CONFLICT.test(message)) throw new TransientError(`duckdb:${statement.name}`, message, { cause: e });
      throw new WarehouseError(statement.name, message, { cause: e });
    }
  }

  /**
   * Records what Redshift would be sent for a statement of the port: the port's SQL text with its
   * `:name` placeholders (the Redshift adapter keeps them, except a NULL or '' value it writes as a
   * constant), the Redshift DDL instead of the DuckDB one, and the Redshift COPY instead of the
   * read_parquet insert below. Not recorded: this adapter's own session statements (SET, BEGIN,
   * COMMIT), and queryChunks/statementCount, which serve analysts' ad hoc DuckDB queries
   * (`gridlake sql`), not the pipeline.
   */
  private record(name: string, redshiftSql: string): void {
    this.recorder?.record(name, redshiftSql);
  }

  /**
   * COPY … FORMAT AS PARQUET MANIFEST, as Redshift runs it: the manifest of the keys is written to
   * the lake (copy-manifest.ts, the same code as the Redshift adapter), read back and checked
   * (url, mandatory, content_length = the object's size), and its files are inserted into `table`
   * BY POSITION, with as many columns as the table has — Redshift matches Parquet columns by
   * position and refuses a count that differs
   * (https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html).
   */
  private async copyParquet(name: string, table: string, keys: string[], scratch: string[]): Promise<void> {
    assertIdentifier(table);
    if (keys.length === 0) return;
    this.record(name, redshiftCopy(table, RECORDED_MANIFEST, RECORDED_COPY_ROLE));
    const store = this.store;
    if (!store) throw new WarehouseError(name, 'no object store configured to read Parquet from');
    // Loaded on first COPY: its schema library (zod) is not what an analyst's `gridlake sql` should pay for.
    const { copyManifestKey, readCopyManifest, writeCopyManifest } = await import('./copy-manifest');
    const manifestKey = copyManifestKey(MANIFEST_PREFIX, name, keys);
    await writeCopyManifest(store, manifestKey, keys, localLakeUri, name);
    const listed = await readCopyManifest(store, manifestKey, keyOfLocalLakeUri, name);
    const files: string[] = [];
    if (store instanceof LocalFolderStore) {
      for (const key of listed) files.push(store.pathOf(key));
    } else {
      const dir = await mkdtemp(join(tmpdir(), 'gridlake-copy-'));
      scratch.push(dir);
      for (const [i, key] of listed.entries()) {
        const file = join(dir, `${i}.parquet`);
        await store.getFile(key, file);
        files.push(file);
      }
    }
    // File paths are bound as parameters, not interpolated. Curated keys contain dt=…/: without
    // hive_partitioning = false DuckDB would add a `dt` column that the target table does not have.
    const params: Record<string, DuckDBValue> = {};
    const refs = files.map((f, i) => {
      params[`f${i}`] = f;
      return `$f${i}`;
    });
    const source = `read_parquet([${refs.join(', ')}], hive_partitioning = false)`;
    try {
      const fileColumns = (await this.conn.run(`SELECT * FROM ${source} LIMIT 0`, params)).columnCount;
      const tableColumns = (await this.conn.run(`SELECT * FROM ${table} LIMIT 0`)).columnCount;
      if (fileColumns !== tableColumns) {
        throw new Error(`the Parquet files have ${fileColumns} columns but table ${table} has ${tableColumns}; Redshift's COPY needs the same number, in the same order.`);
      }
      await this.conn.run(`INSERT INTO ${table} SELECT * FROM ${source}`, params);
    } catch (e) {
      throw new WarehouseError(name, (e as Error).message, { cause: e });
    }
  }

  /**
   * UNLOAD … FORMAT AS PARQUET [PARTITION BY (…)] CLEANPATH, as Redshift runs it: the SELECT (checked
   * by checkUnload, the same check as the Redshift adapter's, and parsed here as ONE statement) is
   * written by DuckDB's COPY TO into a scratch folder — partition columns left out of the files, as
   * Redshift leaves them out — and the files are then put into the lake through the object store.
   * CLEANPATH first removes what is already there: every object under the prefix, or with PARTITION
   * BY only the objects in the partition folders that receive new files (r_UNLOAD.html, CLEANPATH);
   * a partition this UNLOAD does not produce keeps its old files, on Redshift and here alike.
   */
  private async unloadParquet(item: UnloadStatement, scratch: string[]): Promise<void> {
    const { select, prefix, partitionBy } = checkUnload(item);
    this.record(item.name, redshiftUnload(select, RECORDED_UNLOAD_TARGET, RECORDED_COPY_ROLE, partitionBy));
    // Its query too, on its own: inside UNLOAD ('…') it is a string literal the grammar check cannot see into.
    this.record(`${item.name}:query`, select);
    const store = this.store;
    if (!store) throw new WarehouseError(item.name, 'no object store configured to UNLOAD Parquet to');
    const count = (await this.conn.extractStatements(select)).count;
    if (count !== 1) throw new WarehouseError(item.name, `the UNLOAD query holds ${count} statements; UNLOAD takes one SELECT.`);
    const dir = await mkdtemp(join(tmpdir(), 'gridlake-unload-'));
    scratch.push(dir);
    // The target is our own scratch path, bound as a parameter (never spliced into the SQL); the
    // SQL goes through the same :name translation as every statement (it has no parameter left).
    const options = partitionBy.length ? `FORMAT parquet, PARTITION_BY (${partitionBy.join(', ')})` : 'FORMAT parquet';
    const out = partitionBy.length ? join(dir, 'out') : join(dir, 'out', 'data_0.parquet');
    if (!partitionBy.length) mkdirSync(dirname(out), { recursive: true });
    const { sql } = bound({ name: item.name, sql: select });
    try {
      // On lines of its own: a `--` comment on the query's last line must not swallow the `)`.
      await this.conn.run(`COPY (\n${sql}\n) TO $out (${options})`, { out });
    } catch (e) {
      throw new WarehouseError(item.name, (e as Error).message, { cause: e });
    }
    const files = await filesUnder(join(dir, 'out')).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? [] : Promise.reject(e)));
    const folders = partitionBy.length ? [...new Set(files.map((f) => unloadKey(prefix, dirname(f)) + '/'))] : [prefix];
    for (const folder of folders) {
      for (const key of await listKeys(store, folder)) await store.delete(key);
    }
    for (const file of files.sort()) await store.putFile(unloadKey(prefix, file), join(dir, 'out', file));
  }
}

/**
 * The lake keys of an unload's files: DuckDB names a NULL partition value `col=NULL`, Redshift
 * `col=__HIVE_DEFAULT_PARTITION__` (https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html,
 * PARTITION BY clause); the lake gets Redshift's name, which DuckDB's hive reader also reads as NULL.
 */
function unloadKey(prefix: string, relativePath: string): string {
  return prefix + relativePath.split(sep).map((part) => part.replace(/^([a-z_][a-z0-9_]*)=NULL$/, '$1=__HIVE_DEFAULT_PARTITION__')).join('/');
}

/** Every file under a folder, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

/** Where this adapter writes COPY manifests (the Redshift adapter's default prefix). */
const MANIFEST_PREFIX = 'curated/_manifests/';
/** The lake as the manifest names it: a local lake has no bucket, so it gets a fixed one (never sent anywhere). */
const LOCAL_LAKE = 's3://gridlake-local-lake/';
const localLakeUri = (key: string) => `${LOCAL_LAKE}${key}`;
const keyOfLocalLakeUri = (url: string) => (url.startsWith(LOCAL_LAKE) ? url.slice(LOCAL_LAKE.length) : null);

/** The port's `:name` parameters as DuckDB's `$name`, and the values (none: undefined, as DuckDB wants). */
function bound(statement: Statement): { sql: string; params: Record<string, DuckDBValue> | undefined } {
  const params = (statement.params ?? {}) as Record<string, DuckDBValue>;
  return { sql: rewriteNamedParams(statement.sql, (name) => `$${name}`), params: Object.keys(params).length ? params : undefined };
}

/** A statement returns rows when it is a query (SELECT / WITH …), after any leading comments. */
function returnsRows(sql: string): boolean {
  return /^\s*(--[^\n]*\n\s*)*(select|with)\b/i.test(sql);
}

/**
 * DuckDB result → the port's plain JSON values: numbers (BIGINT as number), strings, booleans,
 * 'YYYY-MM-DD' for DATE, ISO instants for timestamps, null. Read chunk by chunk and column by column
 * with one converter chosen per column type: the common types skip the library's generic conversion
 * (a Date object per timestamp, a type dispatch per value), which dominated large results; any other
 * type still goes through it.
 */
function toRows(result: DuckDBMaterializedResult): Row[] {
  const names = result.columnNames();
  const converters = result.columnTypes().map(converterFor);
  const chunks: DuckDBDataChunk[] = [];
  let total = 0;
  for (let i = 0; i < result.chunkCount; i++) {
    const chunk = result.getChunk(i);
    chunks.push(chunk);
    total += chunk.rowCount;
  }
  const rows: Row[] = new Array(total);
  let base = 0;
  for (const chunk of chunks) {
    const part = chunkRows(chunk, names, converters);
    for (let r = 0; r < part.length; r++) rows[base + r] = part[r]!;
    base += part.length;
  }
  return rows;
}

/** One result chunk → rows, column by column with the column's converter. */
function chunkRows(chunk: DuckDBDataChunk, names: string[], converters: Converter[]): Row[] {
  const n = chunk.rowCount;
  const rows: Row[] = new Array(n);
  for (let r = 0; r < n; r++) rows[r] = {};
  for (let c = 0; c < names.length; c++) {
    const vector = chunk.getColumnVector(c);
    const name = names[c]!;
    const convert = converters[c]!;
    for (let r = 0; r < n; r++) {
      const v = vector.getItem(r);
      rows[r]![name] = v === null ? null : convert(v);
    }
  }
  return rows;
}

type Converter = (v: DuckDBValue) => SqlValue;

const asIs: Converter = (v) => v as SqlValue;
// Past 2^53 a JS number rounds: such values come back as their exact decimal text.
const fromBigInt: Converter = (v) => {
  const b = v as bigint;
  return b >= MIN_SAFE && b <= MAX_SAFE ? Number(b) : b.toString();
};
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const fromDate: Converter = (v) => new Date((v as { days: number }).days * 86_400_000).toISOString().slice(0, 10);
const fromMicros: Converter = (v) => new Date(Number((v as { micros: bigint }).micros / 1000n)).toISOString();

function converterFor(type: DuckDBType): Converter {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.VARCHAR:
      return asIs;
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return fromBigInt;
    case DuckDBTypeId.DATE:
      return fromDate;
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return fromMicros;
    default:
      return (v) => toSqlValue(JSDuckDBValueConverter(v, type, JSDuckDBValueConverter), type.typeId, v);
  }
}

const DATE_TYPES = new Set([DuckDBTypeId.DATE]);
const INSTANT_TYPES = new Set([
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_TZ,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_NS,
]);

/**
 * The library's JS value of a less common type → the port's value. Values with no JS scalar (TIME,
 * INTERVAL, LIST, STRUCT, MAP, …) come back as DuckDB's own text for them (`12:30:00`, `1 day`,
 * `[1, 2]`, `{'a': 1}`), never as "[object Object]".
 */
function toSqlValue(v: unknown, type: DuckDBTypeId, raw: DuckDBValue): SqlValue {
  if (v === null || v === undefined) return null;
  if (type === DuckDBTypeId.TIME || type === DuckDBTypeId.TIME_TZ) return String(raw);
  if (typeof v === 'bigint') return fromBigInt(v);
  if (v instanceof Date) {
    if (DATE_TYPES.has(type)) return v.toISOString().slice(0, 10);
    if (INSTANT_TYPES.has(type)) return v.toISOString();
    return v.toISOString();
  }
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(raw);
}
