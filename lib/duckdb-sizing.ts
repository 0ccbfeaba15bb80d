/**
 * DuckDB's settings in the transform function, derived from the function's size (the stage config
 * sizes it: `transform.memoryMb`, `transform.ephemeralStorageMb`), passed as environment variables
 * that lambdas/handlers/runtime.ts reads.
 *
 * - memory_limit: what is left after Node and what DuckDB allocates outside its limit, with a
 *   margin (3,008 MB → 1,968 MB). DuckDB spills above it instead of the function running out of memory.
 * - threads: Lambda's vCPUs, which grow with memory — one vCPU's worth at 1,769 MB, six at most
 *   (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
 * - temp_directory in /tmp, and max_temp_directory_size half the ephemeral storage
 *   (512–10,240 MB: https://docs.aws.amazon.com/lambda/latest/dg/API_EphemeralStorage.html): the
 *   other half holds the raw file being read (and its decompressed or cleaned copy) and the batch's
 *   curated parts.
 */
export interface TransformFunctionSize {
  memoryMb: number;
  ephemeralStorageMb: number;
}

/** Memory DuckDB never gets: the Node runtime, the handler's buffers, DuckDB's allocations outside memory_limit. */
const RESERVED_MB = 384;

export function duckdbEnvironment(size: TransformFunctionSize): Record<string, string> {
  const memoryLimitMb = Math.floor((size.memoryMb - RESERVED_MB) * 0.75);
  const threads = Math.min(6, Math.max(1, Math.ceil(size.memoryMb / 1769)));
  return {
    GRIDLAKE_DUCKDB_MEMORY_LIMIT: `${memoryLimitMb}MB`,
    GRIDLAKE_DUCKDB_THREADS: String(threads),
    GRIDLAKE_DUCKDB_TEMP_DIRECTORY: '/tmp/duckdb-spill',
    GRIDLAKE_DUCKDB_MAX_TEMP_SIZE: `${Math.floor(size.ephemeralStorageMb / 2)}MB`,
  };
}
