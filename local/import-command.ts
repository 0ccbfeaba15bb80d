/**
 * `gridlake import meters PATH`: the import (lambdas/sources/meters/import-meters.ts) on the local lake,
 * what it recognised, and the exact command that loads it. Its own module: an import needs neither the
 * warehouse nor the workflow runner, and does not load them.
 */
import { resolve } from 'node:path';
import { parseConfig } from '../lambdas/config';
import { systemClock } from '../lambdas/ports/clock';
import { LocalFolderStore } from '../lambdas/ports/local-folder-store';
import { localPaths } from '../lambdas/ports/local-paths';
import { silentLog } from '../lambdas/steps/ports';

/** The data directory when --data-dir is not given (bin/cli.ts). */
export const DEFAULT_DATA_DIR = '.gridlake';

interface ImportCommandOptions {
  dataDir: string;
  config?: Record<string, unknown>;
  /** The --config file as given, repeated in the next command. */
  configPath?: string;
  path: string;
  timezone?: string;
  timestampsZone?: string;
  columns?: string;
}

export async function importCommand(o: ImportCommandOptions): Promise<number> {
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
export function nextRunCommand(o: Pick<ImportCommandOptions, 'dataDir' | 'configPath'>, source = 'meters'): string {
  const args = ['npx', 'gridlake', 'run', '--sources', source];
  if (resolve(o.dataDir) !== resolve(DEFAULT_DATA_DIR)) args.push('--data-dir', o.dataDir);
  if (o.configPath) args.push('--config', o.configPath);
  return args.map(shellWord).join(' ');
}

/** A word as a POSIX shell reads it back: quoted only when it has to be. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
