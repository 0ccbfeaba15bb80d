/** DuckDB's settings follow the transform function's size in the cloud, and the config locally. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';
import { duckdbOptionsFromEnv } from '../../lambdas/handlers/runtime';
import { duckdbEnvironment } from '../../lib/duckdb-sizing';
import { stageConfig } from '../../lib/stage-config';

describe('DuckDB sizing', () => {
  it('derives memory_limit, threads and the spill bound from the function memory and /tmp the stage sizes', () => {
    expect(duckdbEnvironment(stageConfig('dev', undefined).transform)).toEqual({
      GRIDLAKE_DUCKDB_MEMORY_LIMIT: '1968MB',
      GRIDLAKE_DUCKDB_THREADS: '2',
      GRIDLAKE_DUCKDB_TEMP_DIRECTORY: '/tmp/duckdb-spill',
      GRIDLAKE_DUCKDB_MAX_TEMP_SIZE: '2048MB',
    });
    const big = stageConfig('prod', { prod: { transform: { memoryMb: 10240, ephemeralStorageMb: 10240 } } }).transform;
    expect(duckdbEnvironment(big)).toMatchObject({ GRIDLAKE_DUCKDB_MEMORY_LIMIT: '7392MB', GRIDLAKE_DUCKDB_THREADS: '6', GRIDLAKE_DUCKDB_MAX_TEMP_SIZE: '5120MB' });
    expect(() => stageConfig('dev', { dev: { transform: { ephemeralStorageMb: 20000 } } })).toThrow(/transform.ephemeralStorageMb/);
  });

  it('the handler reads them from the environment; without them (locally) from config transform.*', () => {
    const cfg = parseConfig({ transform: { memoryLimit: '1GB', threads: 1 } });
    expect(duckdbOptionsFromEnv(cfg, {})).toEqual({ memoryLimit: '1GB', threads: 1 });
    expect(duckdbOptionsFromEnv(cfg, duckdbEnvironment({ memoryMb: 3008, ephemeralStorageMb: 4096 }))).toEqual({
      memoryLimit: '1968MB',
      threads: 2,
      tempDirectory: '/tmp/duckdb-spill',
      maxTempDirectorySize: '2048MB',
    });
    expect(() => parseConfig({ transform: { memoryLimit: 'lots' } })).toThrow(/transform.memoryLimit/);
  });
});
