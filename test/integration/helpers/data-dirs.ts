/**
 * Temporary data dirs for workflow tests: each is created under the OS temp dir and, after the
 * file's tests, its cached local ports are closed (the DuckDB lock released) and it is deleted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { closeLocalPorts } from '../../../lambdas/ports/local-ports';

/** Returns a function that makes a new data dir with `prefix` (or the one given per call). */
export function tempDataDirs(prefix: string): (prefixOverride?: string) => string {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) {
      await closeLocalPorts(d);
      rmSync(d, { recursive: true, force: true });
    }
  });
  return (prefixOverride) => {
    const d = mkdtempSync(join(tmpdir(), prefixOverride ?? prefix));
    dirs.push(d);
    return d;
  };
}
