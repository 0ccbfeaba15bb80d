/**
 * The SQL Redshift would receive, checked offline: every warehouse .sql file, and every statement
 * the warehouse port ran during this test run as the Redshift adapter would send it (the DuckDB
 * adapter records the Redshift DDL and COPY texts, see lambdas/ports/duckdb-warehouse.ts), parses in
 * Redshift's grammar (sqlfluff) and keeps the documented Redshift rules (./rules).
 *
 * This file runs after all other test files (vitest.config.mts: its project has groupOrder 1), so
 * the recording is complete. Run alone, or if nothing was recorded, it first runs a small local
 * workflow itself: it never checks an empty set. Files and statements go to ONE sqlfluff process
 * (it is slow to start), a text shared by a file and a statement once.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { closeLocalPorts } from '../../lambdas/ports/local-ports';
import { SQL_RECORDING_ENV, type RecordedStatement } from '../../lambdas/ports/statement-recorder';
import { redshiftUnload } from '../../lambdas/ports/redshift-sql-text';
import { runLocalWorkflow } from '../../local/workflow';
import { redshiftProblems, warehouseSqlFiles } from './redshift-check';
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

async function recordSmallWorkflow(): Promise<void> {
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
}

let recorded: RecordedStatement[] = [];
let selfRun = false;
const files = warehouseSqlFiles();
/**
 * The UNLOAD shapes the Redshift adapter sends (redshift-sql-text.ts), checked whether or not a test
 * of this run unloaded: with and without PARTITION BY, a query with a quoted literal and a comment.
 */
const unloadTexts = [
  redshiftUnload("SELECT page, meter_id, kwh\nFROM inputs -- per page\nWHERE meter_id <> 'x'", 's3://gridlake-lake/curated/_unload/a/run=r1/', 'arn:aws:iam::123456789012:role/gridlake-copy', ['page', 'day']),
  redshiftUnload('SELECT a FROM flat', 's3://gridlake-lake/curated/_unload/flat/', 'arn:aws:iam::123456789012:role/gridlake-copy'),
].map((sql, i) => ({ label: `UNLOAD shape ${i + 1} (lambdas/ports/redshift-sql-text.ts)`, sql }));
const fileProblems: string[] = [];
const statementProblems: string[] = [];
let statementShapes = 0;

beforeAll(async () => {
  let file = process.env[SQL_RECORDING_ENV];
  if (!file) {
    file = join(mkdtempSync(join(tmpdir(), 'gridlake-sql-rec-')), 'statements.jsonl');
    process.env[SQL_RECORDING_ENV] = file;
  }
  recorded = readRecording(file);
  if (recorded.length === 0) {
    selfRun = true;
    await recordSmallWorkflow();
    recorded = readRecording(file);
  }
  // Each distinct text once, remembering whether a file, a statement or both hold it.
  const texts = new Map<string, { file?: string; statement?: string }>();
  for (const f of [...files, ...unloadTexts]) texts.set(f.sql, { file: f.label });
  for (const r of recorded) {
    const sql = canonicalStatement(r.sql);
    const seen = texts.get(sql) ?? {};
    if (!seen.statement) statementShapes++;
    seen.statement ??= `statement "${r.name}"`;
    texts.set(sql, seen);
  }
  console.info(
    `Redshift SQL check: ${files.length} files and ${statementShapes} distinct statements (${recorded.length} recorded${selfRun ? ' by a workflow run here' : ''}).`,
  );
  const labelled: SqlText[] = [...texts].map(([sql, o], i) => ({ label: `#${i}`, sql }));
  const origins = [...texts.values()];
  for (const problem of redshiftProblems(labelled)) {
    const [, index, rest] = /^#(\d+)(.*)$/s.exec(problem)!;
    const o = origins[Number(index)]!;
    if (o.file) fileProblems.push(`${o.file}${rest}`);
    if (o.statement) statementProblems.push(`${o.statement}${rest}${o.file ? ` (from ${o.file})` : ''}`);
  }
}, 900_000);

describe('warehouse SQL on Redshift', () => {
  it('every .sql file under lambdas/sql (transform/ excepted) parses and keeps the Redshift rules', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.label.includes('/transform/'))).toBe(false);
    expect(fileProblems, 'Redshift would refuse these files').toEqual([]);
  });

  it('the recording holds the pipeline: DDL, COPY, MERGE, the daily rebuild and the analysis', () => {
    const names = recorded.map((r) => r.name);
    for (const expected of ['ddl_market_prices', 'copy_meter_readings', 'merge_meter_readings', 'insert_meter_daily', 'affected_days', 'anomaly_chunk_inputs', 'unload_anomaly_readings']) {
      expect(names.some((n) => n.startsWith(expected)), `no "${expected}" statement recorded (self-run: ${selfRun})`).toBe(true);
    }
    expect(recorded.some((r) => /^COPY \w+ FROM 's3:\/\/.*FORMAT AS PARQUET MANIFEST$/.test(r.sql))).toBe(true);
    expect(recorded.some((r) => /DISTSTYLE/.test(r.sql))).toBe(true);
  });

  it('every distinct statement the warehouse port ran parses and keeps the Redshift rules', () => {
    expect(statementShapes).toBeGreaterThan(30);
    expect(statementProblems, `Redshift would refuse these (${statementShapes} distinct statements checked)`).toEqual([]);
  });
});
