/**
 * The local wiring of the ports under one data directory (default `.gridlake/`):
 *   lake/               the data lake bucket (raw/, curated/, quarantine/, results/, landing/, reference/)
 *   site/               the dashboard bucket (the publish step writes site/data/*.json)
 *   warehouse.duckdb    the warehouse
 *   notifications.jsonl alerts and failures
 *   pseudonym.key       the secret key for pseudonymising customer ids (made on first use)
 * One set of ports per data dir per process, like a warm Lambda container.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Config } from '../config';
import type { Log, StepPorts } from '../steps/ports';
import { systemClock, type Clock } from './clock';
import { localPaths } from './local-paths';
import { DuckDbWarehouse } from './duckdb-warehouse';
import { FileNotifier } from './file-notifier';
import { LocalFolderStore } from './local-folder-store';

export interface LocalPortsOptions {
  dataDir: string;
  config: Config;
  log: Log;
  clock?: Clock;
  /** Notified lines are echoed here (the CLI prints them). */
  echo?: (line: string) => void;
  /** The live market API key (MARKET_API_KEY), only needed with config.market.provider = 'http'. */
  marketApiKey?: string;
  /** The national EV charger API's service key (EV_API_KEY), only needed with config.evChargers.api. */
  evApiKey?: string;
}

export { localPaths } from './local-paths';

/** Reads the local pseudonym key, creating a random one on first use. */
export function localPseudonymKey(dataDir: string): string {
  const { root, pseudonymKey } = localPaths(dataDir);
  if (!existsSync(pseudonymKey)) {
    mkdirSync(root, { recursive: true });
    writeFileSync(pseudonymKey, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
  }
  return readFileSync(pseudonymKey, 'utf8').trim();
}

const cache = new Map<string, Promise<StepPorts>>();

export function localPorts(options: LocalPortsOptions): Promise<StepPorts> {
  const paths = localPaths(options.dataDir);
  let ports = cache.get(paths.root);
  if (!ports) {
    ports = (async () => {
      const lake = new LocalFolderStore(paths.lake);
      return {
        config: options.config,
        lake,
        site: new LocalFolderStore(paths.site),
        warehouse: await DuckDbWarehouse.open(paths.warehouse, { store: lake, memoryLimit: options.config.localWarehouse.memoryLimit }),
        notifier: new FileNotifier(paths.notifications, options.echo),
        clock: options.clock ?? systemClock,
        log: options.log,
        pseudonymKey: localPseudonymKey(paths.root),
        tmpDir: tmpdir(),
        marketApiKey: options.marketApiKey,
        evApiKey: options.evApiKey,
      };
    })();
    ports.catch(() => cache.delete(paths.root));
    cache.set(paths.root, ports);
  }
  return ports;
}

/** Closes and forgets the ports of a data dir (the warehouse file lock is released). */
export async function closeLocalPorts(dataDir: string): Promise<void> {
  const key = localPaths(dataDir).root;
  const ports = cache.get(key);
  cache.delete(key);
  if (ports) await (await ports).warehouse.close();
}
