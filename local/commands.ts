/** The CLI's commands over the local runtime (bin/cli.ts parses arguments and calls these). */
import { existsSync } from 'node:fs';
import { parseConfig } from '../lambdas/config';
import type { PlanOutput } from '../lambdas/contract/manifests';
import { DuckDbWarehouse } from '../lambdas/ports/duckdb-warehouse';
import { closeLocalPorts, localPaths, localPorts } from '../lambdas/ports/local-ports';
import type { Row } from '../lambdas/ports/warehouse';
import { addDays } from '../lambdas/calendar';
import { silentLog } from '../lambdas/steps/ports';
import { formatRows, writeRows } from './format';
import { progressPrinter } from './progress';
import { runLocalWorkflow } from './workflow';

interface Common {
  dataDir: string;
  config?: Record<string, unknown>;
}

export async function runCommand(o: Common & { input: Record<string, unknown> }): Promise<number> {
  parseConfig(o.config ?? {}); // fail fast, with field names, before anything runs
  console.log(`gridlake run → ${localPaths(o.dataDir).root}`);
  const result = await runLocalWorkflow({ dataDir: o.dataDir, input: o.input, config: o.config, onEvent: progressPrinter() });
  try {
    const plan = (result.output as { plan?: PlanOutput } | undefined)?.plan;
    if (result.status === 'SUCCEEDED' && plan) await printReconciliation(o, plan.runs.map((r) => r.runId));
  } finally {
    await closeLocalPorts(o.dataDir);
  }
  if (result.status === 'SUCCEEDED') {
    console.log(`✓ run succeeded in ${result.seconds.toFixed(1)}s`);
    return 0;
  }
  console.error(`✗ run failed after ${result.seconds.toFixed(1)}s: ${result.error ?? 'unknown error'}`);
  console.error(`  Details: etl_runs (gridlake sql "SELECT * FROM etl_runs WHERE status = 'failed'") and ${localPaths(o.dataDir).notifications}`);
  return 1;
}

async function printReconciliation(o: Common, runIds: string[]): Promise<void> {
  const ports = await localPorts({ dataDir: o.dataDir, config: parseConfig(o.config ?? {}), log: silentLog });
  const rows: Row[] = [];
  for (const runId of runIds.slice(-7)) {
    rows.push(
      ...(await ports.warehouse.query({
        name: 'cli_reconciliation',
        sql: 'SELECT run_id, source, status, rows_in, rows_loaded, duplicates, quarantined FROM etl_runs WHERE run_id = :run_id ORDER BY source',
        params: { run_id: runId },
      })),
    );
  }
  if (runIds.length > 7) console.log(`(reconciliation of the last 7 of ${runIds.length} dates)`);
  console.log(formatRows(rows, 'table'));
}

export async function demoCommand(o: Common & { days: number; port: number }): Promise<number> {
  const yesterday = addDays(new Date().toISOString().slice(0, 10), -1);
  const from = addDays(yesterday, -(o.days - 1));
  console.log(`gridlake demo: ${o.days} days of simulated data (${from}..${yesterday}) through the workflow, then the dashboard.`);
  const code = await runCommand({ ...o, input: { from, to: yesterday } });
  if (code !== 0) return code;
  return serveCommand(o);
}

export async function importCommand(o: Common & { path: string; timezone?: string }): Promise<number> {
  const { importMeters } = await import('../lambdas/sources/meters/index');
  const ports = await localPorts({ dataDir: o.dataDir, config: parseConfig(o.config ?? {}), log: silentLog });
  try {
    const result = await importMeters(o.path, { timezone: o.timezone }, ports);
    const meters = result.meters === null ? 'meters from the files' : `${result.meters} meters`;
    console.log(
      `✓ imported ${o.path} (${result.layout}): ${result.files} file(s), ${(result.bytes / 1e6).toFixed(1)} MB, ${meters}, ` +
        `naive times in ${result.timezone} → ${result.landingPrefix}`,
    );
    if (result.skipped.length) {
      const shown = result.skipped.slice(0, 5).join(', ') + (result.skipped.length > 5 ? `, … (${result.skipped.length - 5} more)` : '');
      console.log(`  Not imported (not .csv): ${shown}`);
    }
    console.log('  Run `gridlake run` to load it.');
    return 0;
  } finally {
    await closeLocalPorts(o.dataDir);
  }
}

export async function sqlCommand(o: Common & { sql: string; format: 'table' | 'json' | 'csv' }): Promise<number> {
  if (!existsSync(localPaths(o.dataDir).warehouse)) {
    console.error(`gridlake: no warehouse at ${localPaths(o.dataDir).warehouse}; run \`gridlake run\` first (or pass --data-dir).`);
    return 1;
  }
  // Analysts read: the warehouse is opened read-only, one statement at a time, nothing outside the file.
  const warehouse = await DuckDbWarehouse.open(localPaths(o.dataDir).warehouse, { readOnly: true });
  try {
    const statements = await warehouse.statementCount(o.sql);
    if (statements !== 1) {
      console.error(`gridlake: give one SQL statement at a time (got ${statements}); the warehouse is read-only here, the pipeline writes it.`);
      return 2;
    }
    const statement = { name: 'cli_sql', sql: o.sql };
    // JSON and CSV stream (an export of a whole table need not fit in memory); a table needs every
    // row first, for its column widths.
    if (o.format === 'table') console.log(formatRows(await warehouse.query(statement), 'table'));
    else {
      let columns: string[] = [];
      await writeRows(warehouse.queryChunks(statement, (names) => (columns = names)), o.format, process.stdout, () => columns);
    }
    return 0;
  } finally {
    await warehouse.close();
  }
}

export async function serveCommand(o: Common & { port: number }): Promise<number> {
  const { startServer } = await import('./serve');
  const server = await startServer({ port: o.port, dataDir: o.dataDir });
  console.log(`Dashboard: ${server.url}  (Ctrl-C to stop)`);
  await new Promise<void>((resolveStop) => {
    const stop = () => {
      void server.close().then(resolveStop);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
