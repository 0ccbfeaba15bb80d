/**
 * One DuckDB instance per process (a warm Lambda container transforms many batches; creating an
 * instance per batch cost ~0.3 s each), and a fresh connection per file (~0.3 ms): temp tables, temp
 * views, macros, variables and DuckDB's `reject_errors` are connection-local, so nothing leaks between
 * files or batches, and several may run at the same time in one process. Memory is bounded by the instance's
 * `memory_limit` (shared by concurrent batches); larger-than-memory work spills to the spill
 * directory. Extensions are never downloaded (the Lambda has no internet and the local mode is offline).
 */
import { mkdir } from 'node:fs/promises';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';

export interface SessionOptions {
  /** Where DuckDB spills when the memory limit is reached; shared by the batches of the instance. */
  spillDir: string;
  /** DuckDB memory_limit. Default 640MB: with Node itself the process stays under 1 GiB. */
  memoryLimit?: string;
  /** Worker threads. Default: DuckDB's own (the number of cores). */
  threads?: number;
  /** DuckDB max_temp_directory_size: how much of the disk the spill may take. Default DuckDB's own (90% of the free space). */
  maxTempDirectorySize?: string;
}

export type Params = Record<string, DuckDBValue>;

const instances = new Map<string, Promise<DuckDBInstance>>();

function sharedInstance(options: SessionOptions): Promise<DuckDBInstance> {
  const memoryLimit = options.memoryLimit ?? '640MB';
  const key = JSON.stringify([options.spillDir, memoryLimit, options.threads ?? 0, options.maxTempDirectorySize ?? '']);
  let instance = instances.get(key);
  if (!instance) {
    const config: Record<string, string> = {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'true',
      memory_limit: memoryLimit,
      temp_directory: options.spillDir,
      // Required: a table or Parquet file written from a scan keeps the file's row order, which is
      // how rows get their ordinal (rowid / file_row_number) without a costly row_number() window.
      preserve_insertion_order: 'true',
    };
    if (options.threads) config.threads = String(options.threads);
    if (options.maxTempDirectorySize) config.max_temp_directory_size = options.maxTempDirectorySize;
    instance = DuckDBInstance.create(':memory:', config);
    instance.catch(() => instances.delete(key));
    instances.set(key, instance);
  }
  return instance;
}

/** Closes the process-wide instances (tests and scripts that want a clean exit; Lambda never needs it). */
export async function closeTransformInstances(): Promise<void> {
  const all = [...instances.values()];
  instances.clear();
  for (const p of all) (await p.catch(() => null))?.closeSync();
}

export class TransformSession {
  private constructor(readonly conn: DuckDBConnection) {}

  static async open(options: SessionOptions): Promise<TransformSession> {
    // The spill directory may have been removed since the instance was created (temp cleanup).
    await mkdir(options.spillDir, { recursive: true });
    const conn = await (await sharedInstance(options)).connect();
    await conn.run("SET TimeZone = 'UTC'");
    return new TransformSession(conn);
  }

  /** Sets DuckDB variables (read in the SQL files with getvariable('name')) from bound values. */
  async setVariables(vars: Params): Promise<void> {
    for (const [name, value] of Object.entries(vars)) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Invalid DuckDB variable name "${name}".`);
      await this.conn.run(`SET VARIABLE ${name} = $value`, { value });
    }
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.conn.run(sql, params && Object.keys(params).length ? params : undefined);
  }

  /** Runs a statement that reports a row count (COPY, INSERT) and returns it. */
  async count(sql: string, params?: Params): Promise<number> {
    const result = await this.conn.run(sql, params && Object.keys(params).length ? params : undefined);
    return Number(result.rowsChanged);
  }

  async rows<T extends Record<string, unknown>>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.conn.runAndReadAll(sql, params && Object.keys(params).length ? params : undefined);
    return reader.getRowObjectsJS().map((r) => normalise(r) as T);
  }

  async one<T extends Record<string, unknown>>(sql: string, params?: Params): Promise<T> {
    const [row] = await this.rows<T>(sql, params);
    if (!row) throw new Error(`Query returned no row: ${sql.slice(0, 80)}`);
    return row;
  }

  /** Streams result rows in chunks (never the whole result in JS at once). */
  async *stream(sql: string, params?: Params): AsyncGenerator<unknown[][]> {
    const result = await this.conn.stream(sql, params && Object.keys(params).length ? params : undefined);
    for await (const rows of result.yieldRowsJs()) yield rows.map((r) => r.map(normaliseValue));
  }

  close(): void {
    this.conn.closeSync();
  }
}

function normalise(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = normaliseValue(v);
  return out;
}

function normaliseValue(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}
