/**
 * `gridlake import chargers DIR [--observed-at ISO]`: the charging-station seed folder into the
 * landing zone (lambdas/sources/ev-chargers/import-chargers.ts), what reading it found per table, and
 * the command that loads it. Like `import meters`, it needs neither the warehouse nor the workflow.
 */
import { systemClock } from '../lambdas/ports/clock';
import { LocalFolderStore } from '../lambdas/ports/local-folder-store';
import { localPaths } from '../lambdas/ports/local-paths';
import { silentLog } from '../lambdas/steps/ports';
import { nextRunCommand } from './import-command';

export interface ImportChargersCommandOptions {
  dataDir: string;
  configPath?: string;
  path: string;
  observedAt?: string;
  timezone?: string;
}

/** Observed times are shown on the files' own clock, the zone named. */
const KOREA = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** Problems listed in full up to this many; the rest are counted (all are in the run's quarantine). */
const SHOWN = 10;

export async function importChargersCommand(o: ImportChargersCommandOptions): Promise<number> {
  const { importChargers } = await import('../lambdas/sources/ev-chargers/import-chargers');
  const ports = { lake: new LocalFolderStore(localPaths(o.dataDir).lake), clock: systemClock, log: silentLog };
  console.log(`Reading ${o.path} (station_info.csv, charger_info.csv)…`);
  const r = await importChargers(o.path, { observedAt: o.observedAt, timezone: o.timezone }, ports);
  const rows = (label: string, c: { rowsIn: number; loaded: number; duplicates: number; quarantined: number; withheld: number }) =>
    `  ${label.padEnd(18)} ${String(c.rowsIn).padStart(6)} rows → ${c.loaded} to load, ${c.duplicates} duplicate, ${c.quarantined} quarantined` +
    (c.withheld ? `, ${c.withheld} with a session withheld` : '');
  console.log(rows('charging_stations', r.counts.charging_stations));
  console.log(rows('chargers', r.counts.chargers));
  console.log(rows('charger_status', r.counts.charger_status));
  for (const p of r.problems.slice(0, SHOWN)) console.log(`  ! ${p}`);
  if (r.problems.length > SHOWN) console.log(`  … and ${r.problems.length - SHOWN} more (the run writes them all to the quarantine)`);
  console.log(`✓ imported ${o.path}: ${(r.bytes / 1e3).toFixed(1)} kB → ${r.landingPrefix}`);
  if (r.observedRange) {
    const when = (iso: string) => `${KOREA.format(new Date(iso)).replace(',', '')} ${r.timezone}`;
    const range = r.observedRange.from === r.observedRange.to ? when(r.observedRange.from) : `${when(r.observedRange.from)} … ${when(r.observedRange.to)}`;
    console.log(`  statuses observed ${range}`);
  }
  console.log(`  Next, load and analyse it:  ${nextRunCommand(o, 'ev-chargers')}`);
  return 0;
}
