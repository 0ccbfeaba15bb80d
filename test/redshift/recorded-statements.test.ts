/**
 * Every statement the warehouse port ran during this test run, as the Redshift adapter would send it
 * (the DuckDB adapter records the Redshift DDL and COPY texts, see lambdas/ports/duckdb-warehouse.ts),
 * parses in Redshift's grammar and keeps the Redshift rules. This file runs after all other test
 * files (vitest.config.mts: its project has groupOrder 1). Run alone, or if nothing was recorded,
 * it first runs a small local workflow itself, so it never checks an empty set.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { closeLocalPorts } from '../../lambdas/ports/local-ports';
import { SQL_RECORDING_ENV, type RecordedStatement } from '../../lambdas/ports/statement-recorder';
import { runLocalWorkflow } from '../../local/workflow';
import { redshiftProblems } from './redshift-check';
import type { SqlText } from './sqlfluff';

/**
 * One representative per statement shape: batches built by multiRowInserts/inListStatements differ
 * only in how many `(:a_0, …), (:a_1, …)` tuples or `:ids_0, :ids_1` values they repeat.
 */
export function canonicalStatement(sql: string): string {
  return sql
    .replace(/:(\w+?)_\d+\b/g, ':$1_n')
    .replace(/(:\w+_n)(?:,\s*\1)+/g, '$1, $1')
    .replace(/(\([^()]*(?:\([^()]*\)[^()]*)*\))(?:,\s*\1)+/g, '$1,\n$1');
}

function readRecording(file: string): RecordedStatement[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RecordedStatement);
}

let recorded: RecordedStatement[] = [];
let selfRun = false;

beforeAll(async () => {
  let file = process.env[SQL_RECORDING_ENV];
  if (!file) {
    file = join(mkdtempSync(join(tmpdir(), 'gridlake-sql-rec-')), 'statements.jsonl');
    process.env[SQL_RECORDING_ENV] = file;
  }
  recorded = readRecording(file);
  if (recorded.length === 0) {
    selfRun = true;
    const dataDir = mkdtempSync(join(tmpdir(), 'gridlake-sql-wf-'));
    try {
      const result = await runLocalWorkflow({
        dataDir,
        input: { from: '2026-11-01', to: '2026-11-02' },
        config: { simulator: { meters: 4 }, market: { symbols: ['SPY'] } },
        retryIntervalMs: 0,
      });
      expect(result.status, result.error).toBe('SUCCEEDED');
    } finally {
      await closeLocalPorts(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    }
    recorded = readRecording(file);
  }
}, 600_000);

describe(`statements the warehouse port ran, on Redshift`, () => {
  it('the recording holds the pipeline: DDL, COPY, MERGE, the daily rebuild and the analysis', () => {
    const names = new Set(recorded.map((r) => r.name.replace(/_\d+$/, '')));
    for (const expected of ['ddl_market_prices', 'copy_meter_readings', 'merge_meter_readings', 'insert_meter_daily', 'meter_readings_scored']) {
      expect([...names].some((n) => n.startsWith(expected)), `no "${expected}" statement recorded (self-run: ${selfRun})`).toBe(true);
    }
    expect(recorded.some((r) => /^COPY \w+ FROM 's3:\/\/.*FORMAT AS PARQUET MANIFEST$/.test(r.sql))).toBe(true);
    expect(recorded.some((r) => /DISTSTYLE/.test(r.sql))).toBe(true);
  });

  it('every distinct statement parses and keeps the Redshift rules', () => {
    const shapes = new Map<string, SqlText>();
    for (const r of recorded) {
      const sql = canonicalStatement(r.sql);
      if (!shapes.has(sql)) shapes.set(sql, { label: `statement "${r.name}"`, sql });
    }
    const problems = redshiftProblems([...shapes.values()]);
    expect(problems, `Redshift would refuse these (${shapes.size} distinct statements checked)`).toEqual([]);
  });
});
