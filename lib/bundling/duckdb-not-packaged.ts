/**
 * Bundle-time stand-in for `@duckdb/node-api` in functions that do not pack DuckDB (every step
 * without `duckdb` in STEP_ACCESS, lib/pipeline.ts). Shared modules import DuckDB for the local
 * adapters; in those functions it can never be used, so instead of a missing-module crash at cold
 * start, any use fails with a message that says where DuckDB is packed. This is the one file under
 * lib/ that ends up inside a Lambda bundle (via esbuild's alias), and only there.
 */
function notPackaged(): never {
  throw new Error(
    'DuckDB is not packed into this Lambda function: only steps with "duckdb" in STEP_ACCESS (lib/pipeline.ts) get @duckdb/node-api.',
  );
}

export const DuckDBInstance = { create: notPackaged, fromCache: notPackaged };
export class DuckDBConnection {
  constructor() {
    notPackaged();
  }
  static create = notPackaged;
}
// Type ids are read at module load (e.g. to build lookup sets), so they must not throw: each name
// maps to itself, a value no real DuckDB column type will ever carry here.
export const DuckDBTypeId: Record<string, string> = new Proxy({}, { get: (_target, name) => `not-packaged:${String(name)}` });
// Referenced (never called at load) by the DuckDB warehouse's result conversion.
export const JSDuckDBValueConverter = notPackaged;
