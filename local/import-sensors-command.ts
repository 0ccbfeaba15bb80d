/**
 * `gridlake import sensors PATH [--columns MAP] [--device ID] [--timezone Z] [--date-order mdy]`:
 * flow-meter logger exports into the landing zone (lambdas/sources/flow-sensors/import-sensors.ts),
 * what reading them found per file, the rejects summarised by reason (one mapping mistake rejects
 * every row for the same reason: 37,283 lines saying so would hide the one fix), and the command
 * that loads them. Needs neither the warehouse nor the workflow.
 */
import { parseConfig } from '../lambdas/config';
import { systemClock } from '../lambdas/ports/clock';
import { LocalFolderStore } from '../lambdas/ports/local-folder-store';
import { localPaths } from '../lambdas/ports/local-paths';
import { silentLog } from '../lambdas/steps/ports';
import { localStamp } from '../lambdas/analysis/flow-device-file';
import { nextRunCommand } from './import-command';

export interface ImportSensorsCommandOptions {
  dataDir: string;
  config?: Record<string, unknown>;
  configPath?: string;
  path: string;
  columns?: string;
  deviceId?: string;
  timezone?: string;
  dateOrder?: 'dmy' | 'mdy';
}

/** Reject groups listed; the rest are counted (every rejected row is in the run's quarantine). */
const SHOWN = 8;
const n = (v: number) => v.toLocaleString('en-GB');

export async function importSensorsCommand(o: ImportSensorsCommandOptions): Promise<number> {
  const { importSensors } = await import('../lambdas/sources/flow-sensors/import-sensors');
  const config = parseConfig(o.config ?? {});
  const timezone = o.timezone ?? config.flowSensors.timezone;
  const ports = { lake: new LocalFolderStore(localPaths(o.dataDir).lake), clock: systemClock, log: silentLog };
  console.log(`Reading ${o.path} (naive times in ${timezone}${o.dateOrder === 'mdy' ? ', month first' : ''})…`);
  const r = await importSensors(o.path, { columns: o.columns, deviceId: o.deviceId, timezone, dateOrder: o.dateOrder }, ports);
  // One clock: the logger's own zone, named.
  const when = (ms: number) => `${localStamp(ms, timezone).replace('T', ' ')} ${timezone}`;
  for (const f of r.files) {
    const c = f.counts;
    console.log(`  ${f.file}: ${n(c.rowsIn)} rows → ${n(c.loaded)} to load, ${n(c.duplicates)} duplicate, ${n(c.quarantined)} quarantined` + (c.blankLines ? ` (${n(c.blankLines)} blank lines)` : ''));
    if (f.first !== null && f.last !== null) console.log(`    ${f.devices.length === 1 ? `device ${f.devices[0]}` : `${f.devices.length} devices`}, ${when(f.first)} … ${when(f.last)}`);
  }
  if (r.rejects.length) {
    console.log('  Rejected rows by reason (the run quarantines each with its file and line):');
    for (const g of r.rejects.slice(0, SHOWN)) console.log(`  ! ${n(g.count)} row(s) like ${g.example.file} line ${g.firstLine}: ${g.example.reason}`);
    if (r.rejects.length > SHOWN) console.log(`  … and ${r.rejects.length - SHOWN} more reasons (${n(r.rejects.slice(SHOWN).reduce((s, g) => s + g.count, 0))} rows)`);
  }
  const total = r.files.reduce((s, f) => s + f.counts.rowsIn, 0);
  const loaded = r.files.reduce((s, f) => s + f.counts.loaded, 0);
  if (total > 0 && loaded === 0) console.log('  Nothing in these files can load: check --columns and the reasons above before running.');
  console.log(`✓ imported ${o.path}: ${r.files.length} file(s), ${(r.bytes / 1e6).toFixed(1)} MB → ${r.landingPrefix}`);
  console.log(`  Next, load and analyse it:  ${nextRunCommand(o, 'flow-sensors')}`);
  return 0;
}
