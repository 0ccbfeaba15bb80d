/**
 * Runs a transform SQL file statement by statement. One directive is understood, on a line of its own:
 *
 *   -- @materialize <view>
 *
 * writes the view once to an uncompressed Parquet file in the batch's work directory and defines
 * the temp view `<view>_rows` over it, with `ord` = position in the view's output (1-based). With
 * `preserve_insertion_order` the file keeps the scan's order, so `ord` is the position in the raw
 * file: no row_number() window (which buffers every row) and no temp table (which holds every row in
 * the memory limit) — the Parquet file is written while the CSV is still being read, and later
 * statements read back only the columns they use.
 */
import { join } from 'node:path';
import { assertIdentifier } from '../../ports/warehouse';
import type { TransformSession } from './duckdb-session';

const MATERIALIZE = /^--[ \t]*@materialize[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*$/;

export async function runSqlScript(session: TransformSession, sql: string, workDir: string): Promise<void> {
  for (const step of scriptSteps(sql)) {
    if (step.kind === 'statement') await session.run(step.sql);
    else await materialize(session, step.view, workDir);
  }
}

async function materialize(session: TransformSession, view: string, workDir: string): Promise<void> {
  const name = assertIdentifier(view);
  const path = join(workDir, `${name}.parquet`);
  await session.run(`COPY (SELECT * FROM ${name}) TO $path (FORMAT parquet, COMPRESSION uncompressed)`, { path });
  await session.setVariables({ [`${name}_path`]: path });
  await session.run(
    `CREATE OR REPLACE TEMP VIEW ${name}_rows AS
       SELECT file_row_number + 1 AS ord, * EXCLUDE (file_row_number)
       FROM read_parquet(getvariable('${name}_path'), file_row_number = true)`,
  );
}

export type ScriptStep = { kind: 'statement'; sql: string } | { kind: 'materialize'; view: string };

/** Statements end with `;` at a line end; a directive line stands alone between statements. */
export function scriptSteps(sql: string): ScriptStep[] {
  const steps: ScriptStep[] = [];
  let current: string[] = [];
  const flush = () => {
    const text = current.join('\n').trim();
    if (text.replace(/--[^\n]*/g, '').trim()) steps.push({ kind: 'statement', sql: text });
    current = [];
  };
  for (const line of sql.split('\n')) {
    const directive = MATERIALIZE.exec(line.trim());
    if (directive) {
      flush();
      steps.push({ kind: 'materialize', view: directive[1]! });
      continue;
    }
    current.push(line);
    if (/;[ \t]*(?:--[^\n]*)?$/.test(line)) flush();
  }
  flush();
  return steps;
}
