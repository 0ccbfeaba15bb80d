/**
 * How every gridlake function is bundled (the pipeline's steps and the schema custom resource):
 * esbuild for Node 22, the SDK v3 left to the runtime, DuckDB packed only where used, and the
 * lambdas/sql folder copied beside index.js (the steps read their .sql files at run time,
 * lambdas/sql/files.ts looks in ./sql).
 */
import { join } from 'node:path';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

export function stepBundling(projectRoot: string, duckdb: boolean): nodejs.BundlingOptions {
  return {
    minify: true,
    sourceMap: true,
    target: 'node22',
    // The SDK v3 ships with the Node 22 runtime; DuckDB is a native module: packed only where used,
    // as an installed node_module for linux-arm64 (otherwise the host's x64 binary is packed).
    externalModules: ['@aws-sdk/*'],
    nodeModules: duckdb ? ['@duckdb/node-api'] : undefined,
    // Elsewhere DuckDB is replaced by a stub that explains itself (lib/bundling/duckdb-not-packaged.ts).
    esbuildArgs: duckdb ? undefined : { '--alias:@duckdb/node-api': join(projectRoot, 'lib', 'bundling', 'duckdb-not-packaged.ts') },
    environment: duckdb ? { npm_config_cpu: 'arm64', npm_config_os: 'linux', npm_config_libc: 'glibc' } : undefined,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir: string, outputDir: string) => [`cp -r "${inputDir}/lambdas/sql" "${outputDir}/sql"`],
    },
  };
}
