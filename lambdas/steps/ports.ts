/**
 * What every step receives: the ports plus the validated config and a logger. Handlers build this
 * once per Lambda container (or once per local run) and pass it down.
 */
import type { Config } from '../config';
import type { Clock } from '../ports/clock';
import type { Notifier } from '../ports/notifier';
import type { ObjectStore } from '../ports/object-store';
import type { Warehouse } from '../ports/warehouse';

export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface StepPorts {
  config: Config;
  /** The data lake: raw/, curated/, quarantine/, results/, landing/, reference/. */
  lake: ObjectStore;
  /** The dashboard site bucket: the publish step writes data/*.json here. */
  site: ObjectStore;
  warehouse: Warehouse;
  notifier: Notifier;
  clock: Clock;
  log: Log;
  /** Secret for pseudonymising customer ids in published results (HMAC key). */
  pseudonymKey: string;
  /** A writable scratch directory (Lambda: /tmp). */
  tmpDir: string;
  /** Key of the live market-price API (config.market.provider = 'http'); absent otherwise. */
  marketApiKey?: string;
  /** The national EV charger API's service key (EV_API_KEY locally, a secret in the cloud); only with config.evChargers.api. */
  evApiKey?: string;
}

export const silentLog: Log = { info() {}, warn() {}, error() {} };
