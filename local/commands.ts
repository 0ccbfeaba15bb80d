/** The CLI's commands over the local runtime (bin/cli.ts parses arguments and calls these). */
import { parseConfig } from '../lambdas/config';
import type { PlanOutput } from '../lambdas/contract/manifests';
import { resolve } from 'node:path';
import { systemClock } from '../lambdas/ports/clock';
import { LocalFolderStore } from '../lambdas/ports/local-folder-store';
import { closeLocalPorts, localPaths, localPorts } from '../lambdas/ports/local-ports';
import type { Row } from '../lambdas/ports/warehouse';
import { addDays } from '../lambdas/calendar';
import { silentLog } from '../lambdas/steps/ports';
import { formatRows } from './format';
import { progressPrinter } from './progress';

export { sqlCommand } from './sql-command';

/** The data directory when --data-dir is not given (bin/cli.ts). */
export const DEFAULT_DATA_DIR = '.gridlake';

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

export async function importCommand(o: Common & { configPath?: string; path: string; timezone?: string; timestampsZone?: string; columns?: string }): Promise<number> {
  const { importMeters } = await import('../lambdas/sources/meters/index');
  // The lake only: the warehouse is the run's business, and a refused import must leave nothing behind.
  const ports = { config: parseConfig(o.config ?? {}), lake: new LocalFolderStore(localPaths(o.dataDir).lake), clock: systemClock, log: silentLog };
  const result = await importMeters(o.path, { timezone: o.timezone, timestampsZone: o.timestampsZone, columns: o.columns }, ports);
  for (const r of result.recognised) console.log(`Recognised ${r.files} file(s) as the ${r.title}.`);
  const meters = result.meters === null ? 'meters from the files' : `${result.meters} meters`;
  const zones = result.timestampsZone ? `timestamps read in ${result.timestampsZone}, local days in ${result.timezone}` : `naive times in ${result.timezone}`;
  console.log(`✓ imported ${o.path} (${result.layout}): ${result.files} file(s), ${(result.bytes / 1e6).toFixed(1)} MB, ${meters}, ${zones} → ${result.landingPrefix}`);
  if (result.skipped.length) {
    const shown = result.skipped.slice(0, 5).join(', ') + (result.skipped.length > 5 ? `, … (${result.skipped.length - 5} more)` : '');
    console.log(`  Not imported (not .csv or .csv.gz): ${shown}`);
  }
  console.log(`  Next, load and analyse it:  ${nextRunCommand(o)}`);
  return 0;
}

/** The exact command that loads an import: same data dir and config as the import was given. */
export function nextRunCommand(o: Common & { configPath?: string }): string {
  const args = ['npx', 'gridlake', 'run', '--sources', 'meters'];
  if (resolve(o.dataDir) !== resolve(DEFAULT_DATA_DIR)) args.push('--data-dir', o.dataDir);
  if (o.configPath) args.push('--config', o.configPath);
  return args.map(shellWord).join(' ');
}

/** A word as a POSIX shell reads it back: quoted only when it has to be. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
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
