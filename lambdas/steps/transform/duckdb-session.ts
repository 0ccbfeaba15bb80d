/**
 * A fresh in-memory DuckDB per transform call: no state leaks between batches (a warm Lambda runs
 * many), memory is bounded by `memory_limit`, and larger-than-memory work spills to `tmpDir`.
 * Extensions are never downloaded (the Lambda has no internet and the local mode is offline).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';

export interface SessionOptions {
  /** Scratch directory: DuckDB spills here when the memory limit is reached. */
  tmpDir: string;
  /** DuckDB memory_limit. Default 640MB: with Node itself the process stays under 1 GiB. */
  memoryLimit?: string;
  /** Worker threads. Default: DuckDB's own (the number of cores). */
  threads?: number;
}

export type Params = Record<string, DuckDBValue>;

export class TransformSession {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  static async open(options: SessionOptions): Promise<TransformSession> {
    const spill = join(options.tmpDir, 'duckdb-spill');
    await mkdir(spill, { recursive: true });
    const config: Record<string, string> = {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'true',
      memory_limit: options.memoryLimit ?? '640MB',
      temp_directory: spill,
      // Order matters: the temp table of raw rows keeps file order, so rowid = position in the file.
      preserve_insertion_order: 'true',
    };
    if (options.threads) config.threads = String(options.threads);
    const instance = await DuckDBInstance.create(':memory:', config);
    const conn = await instance.connect();
    await conn.run("SET TimeZone = 'UTC'");
    return new TransformSession(instance, conn);
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

  /** Runs each statement of a multi-statement SQL file (statements end with `;` at a line end). */
  async runScript(sql: string): Promise<void> {
    for (const statement of splitStatements(sql)) await this.conn.run(statement);
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
    this.instance.closeSync();
  }
}

export function splitStatements(sql: string): string[] {
  return sql
    .split(/;[ \t]*(?:--[^\n]*)?$/m)
    .map((s) => s.trim())
    .filter((s) => s.replace(/--[^\n]*/g, '').trim().length > 0);
}

function normalise(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = normaliseValue(v);
  return out;
}

function normaliseValue(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}
