/** The CLI's commands over the local runtime (bin/cli.ts parses arguments and calls these). */
import { existsSync, readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { parseConfig } from '../lambdas/config';
import { DateRunSchema, type PlanOutput } from '../lambdas/contract/manifests';
import { readJsonl } from '../lambdas/contract/work-manifests';
import { closeLocalPorts, localPaths, localPorts } from '../lambdas/ports/local-ports';
import type { Row } from '../lambdas/ports/warehouse';
import { addDays } from '../lambdas/calendar';
import { silentLog } from '../lambdas/steps/ports';
import { formatRows } from './format';
import { progressPrinter } from './progress';

export { importCommand } from './import-command';
export { sqlCommand } from './sql-command';

interface Common {
  dataDir: string;
  config?: Record<string, unknown>;
}

export async function runCommand(o: Common & { input: Record<string, unknown> }): Promise<number> {
  parseConfig(o.config ?? {}); // fail fast, with field names, before anything runs
  console.log(`gridlake run → ${localPaths(o.dataDir).root}`);
  // Loaded here, not at the top: the Step Functions runner (and the AWS SDK it brings) costs ~0.3 s
  // that `sql`, `import` and `serve` do not need.
  const { runLocalWorkflow } = await import('./workflow');
  // The runner returns only once every handler it started has stopped; the warehouse (and its file
  // lock) is closed before the outcome is printed, whatever happened.
  let result: Awaited<ReturnType<typeof runLocalWorkflow>>;
  try {
    result = await runLocalWorkflow({ dataDir: o.dataDir, input: o.input, config: o.config, onEvent: progressPrinter() });
    if (result.schema?.applied.length) console.log(`  warehouse schema: applied ${result.schema.applied.join(', ')} before the run`);
    const plan = (result.output as { plan?: PlanOutput } | undefined)?.plan;
    if (result.status === 'SUCCEEDED' && plan) await printReconciliation(o, plan.runsKey);
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

/**
 * Quarantined rows are never silently dropped: say how many, and where their reasons and raw records
 * are (lake/quarantine/<source>/dt=<date>/run=<runId>/…-rejects.jsonl, one JSON object a line).
 */
function printQuarantinePointer(dataDir: string, rows: Row[]): void {
  const total = rows.reduce((n, r) => n + Number(r.quarantined ?? 0), 0);
  if (!total) return;
  const lake = localPaths(dataDir).lake;
  const runs = new Set(rows.filter((r) => Number(r.quarantined ?? 0) > 0).map((r) => `run=${String(r.run_id)}`));
  const root = join(lake, 'quarantine');
  const files = existsSync(root)
    ? readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('-rejects.jsonl') && f.split(sep).some((part) => runs.has(part)))
    : [];
  console.log(`! ${total.toLocaleString('en-GB')} row(s) quarantined. Each line of these files gives the file, line, reason and raw record:`);
  for (const f of files.sort().slice(0, 10)) console.log(`    ${join(root, f)}`);
  if (files.length > 10) console.log(`    … and ${files.length - 10} more under ${root}`);
  console.log('  The reasons per run are also on the dashboard (gridlake serve → Pipeline).');
}

async function printReconciliation(o: Common, runsKey: string): Promise<void> {
  const ports = await localPorts({ dataDir: o.dataDir, config: parseConfig(o.config ?? {}), log: silentLog });
  // The dates are in the lake (Plan wrote them for the ForEachDate Distributed Map), not in the output.
  const runIds = (await readJsonl(ports.lake, runsKey, DateRunSchema)).map((r) => r.runId);
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
  printQuarantinePointer(o.dataDir, rows);
  // Simulated meters beside imported ones: the fleet figures, anomalies and forecasts mix both.
  const [mix] = await ports.warehouse.query({
    name: 'cli_meter_sources',
    sql: "SELECT SUM(CASE WHEN source = 'meter-simulator' THEN 1 ELSE 0 END) AS simulated, SUM(CASE WHEN source = 'meters' THEN 1 ELSE 0 END) AS imported FROM meters",
  });
  if (Number(mix?.simulated ?? 0) > 0 && Number(mix?.imported ?? 0) > 0) {
    console.log(
      `! The warehouse holds ${mix!.imported} imported (real) meters and ${mix!.simulated} SIMULATED ones: fleet totals, anomalies and ` +
        'forecasts mix them, and the dashboard labels the simulated sources. To analyse only your data, run with --sources meters ' +
        '(in a fresh --data-dir to drop the simulated meters).',
    );
  }
}

export async function demoCommand(o: Common & { days: number; port: number }): Promise<number> {
  const yesterday = addDays(new Date().toISOString().slice(0, 10), -1);
  const from = addDays(yesterday, -(o.days - 1));
  console.log(`gridlake demo: ${o.days} days of simulated data (${from}..${yesterday}) through the workflow, then the dashboard.`);
  const code = await runCommand({ ...o, input: { from, to: yesterday } });
  if (code !== 0) return code;
  return serveCommand(o);
}

export async function serveCommand(o: Common & { port: number }): Promise<number> {
  const { startServer } = await import('./serve');
  const server = await startServer({ port: o.port, dataDir: o.dataDir });
  console.log(`Dashboard: ${server.url}  (Ctrl-C to stop)`);
  // The cloud dashboard asks for a sign-in (stage dashboard.access = private); this local one does not.
  console.log('No sign-in: this server listens on loopback only, for you on this machine. Everything the last run published is shown.');
  await new Promise<void>((resolveStop) => {
    const stop = () => {
      void server.close().then(resolveStop);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
