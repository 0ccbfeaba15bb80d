/**
 * Collect for the ev-chargers source: this run's raw objects and one batch per dataset and origin.
 *
 * Origins (each optional):
 * - `imports/<importId>/`: every complete landing import (import-chargers.ts) is moved into the run's
 *   raw prefix (copy, then delete: data files first, the manifest last), read from raw with the
 *   seed reader, and written as raw records beside the original CSVs;
 * - `sim/`: the simulator's local day (simulated-day.ts), with its failure labels beside;
 * - `api/`: one consistent snapshot of the national charger-status API, its report beside.
 *
 * Raw records per dataset: raw-records.ts (every source row, so runs reconcile as the reader);
 * withheld fields: `withheld.jsonl.gz` beside. Idempotent: a re-run of the same run finds its imports
 * and its API snapshot in raw (never re-fetched) and the simulator is deterministic.
 */
import type { Batch, CollectInput } from '../../contract/manifests';
import { getJson, listKeys, ObjectNotFoundError, type ObjectStore } from '../../ports/object-store';
import type { StepPorts } from '../../steps/ports';
import { decodeJsonlGz, encodeJsonlGz } from '../jsonl-gz';
import { moveCompleteImports } from '../landing-imports';
import { rawPrefix } from '../source';
import { collectChargerSnapshot } from './collect-snapshot';
import { EV_LANDING_PREFIX, EV_MANIFEST, type ChargerImportManifest } from './import-chargers';
import type { NationalApiClient } from './national-api-client';
import { rawRecords, type RawBundle } from './raw-records';
import { readChargerSeed, type SeedFilePort } from './read-seed';
import { EV_TABLES } from './rows';
import { simulatedDay } from './simulated-day';

export interface EvCollectOptions {
  /** The source's registered name (batches carry it). */
  source: Batch['source'];
  /** The simulated fleet for local runs; null when off. */
  simulator: { seed: number; stations: number } | null;
  /** The live national API; null when off. */
  api: { client: NationalApiClient; pageSize?: number; maxPasses?: number } | null;
}

export const LABELS_FILE = 'labels.jsonl.gz';
export const WITHHELD_FILE = 'withheld.jsonl.gz';
export const SNAPSHOT_FILE = 'snapshot.json';

export async function collectEvChargers(input: CollectInput, ports: StepPorts, options: EvCollectOptions): Promise<Batch[]> {
  const prefix = rawPrefix(options.source, input.date, input.runId);
  const batches: Batch[] = [];
  const write = async (origin: string, bundle: RawBundle) => {
    for (const table of EV_TABLES) {
      const rawKey = `${prefix}${origin}${table}.jsonl.gz`;
      await ports.lake.put(rawKey, encodeJsonlGz(bundle.records[table]), { contentType: 'application/gzip' });
      batches.push({ runId: input.runId, date: input.date, source: options.source, dataset: table, rawKey, format: 'jsonl.gz', options: {} });
    }
    await ports.lake.put(`${prefix}${origin}${WITHHELD_FILE}`, encodeJsonlGz(bundle.withheld), { contentType: 'application/gzip' });
  };

  // Imports: move what landed, then read every import this run holds (a re-run finds them in raw).
  await moveCompleteImports(ports.lake, EV_LANDING_PREFIX, EV_MANIFEST, `${prefix}imports/`);
  const imported = (await listKeys(ports.lake, `${prefix}imports/`)).filter((k) => k.endsWith(`/${EV_MANIFEST}`)).sort();
  for (const key of imported) {
    const dir = key.slice(0, -EV_MANIFEST.length);
    const manifest = await getJson<ChargerImportManifest>(ports.lake, key);
    const read = await readChargerSeed(dir, { observedAt: manifest.observedAt ?? undefined, timezone: manifest.timezone }, lakeFiles(ports.lake));
    await write(dir.slice(prefix.length), rawRecords(read));
  }

  if (options.simulator) {
    const day = simulatedDay(options.simulator.seed, input.date, { stations: options.simulator.stations });
    await write('sim/', rawRecords(day));
    await ports.lake.put(`${prefix}sim/${LABELS_FILE}`, encodeJsonlGz(day.labels), { contentType: 'application/gzip' });
  }

  if (options.api) {
    const snapshotKey = `${prefix}api/${SNAPSHOT_FILE}`;
    if (!(await ports.lake.exists(snapshotKey))) {
      const snap = await collectChargerSnapshot(options.api.client, { pageSize: options.api.pageSize, maxPasses: options.api.maxPasses, now: () => ports.clock.now() });
      if (!snap.snapshot.complete) ports.log.warn('charger api snapshot incomplete', { reason: snap.snapshot.incompleteReason, totalCount: snap.snapshot.totalCount, got: snap.statuses.length });
      await write('api/', rawRecords({ stations: [], chargers: [], statuses: snap.statuses, quarantine: snap.quarantine, withheld: snap.withheld }));
      // Written last: its presence means the api/ raw objects are complete (a re-run reuses them).
      await ports.lake.put(snapshotKey, JSON.stringify({ ...snap.snapshot, counts: snap.counts }, null, 2), { contentType: 'application/json' });
    } else {
      for (const table of EV_TABLES) {
        batches.push({ runId: input.runId, date: input.date, source: options.source, dataset: table, rawKey: `${prefix}api/${table}.jsonl.gz`, format: 'jsonl.gz', options: {} });
      }
    }
  }
  ports.log.info('ev-chargers collected', { date: input.date, imports: imported.length, simulated: options.simulator !== null, api: options.api !== null, batches: batches.length });
  return batches;
}

function lakeFiles(lake: ObjectStore): SeedFilePort {
  return {
    readBytes: async (key) => {
      try {
        return await lake.get(key);
      } catch (e) {
        if (e instanceof ObjectNotFoundError) return null;
        throw e;
      }
    },
    join: (dir, name) => `${dir}${name}`,
  };
}

/** The simulator's failure labels a run wrote (for scoring analysis against the truth). */
export async function readEvLabels(lake: ObjectStore, runPrefix: string): Promise<unknown[]> {
  const key = `${runPrefix}sim/${LABELS_FILE}`;
  return decodeJsonlGz(await lake.get(key), `${lake.location}/${key}`);
}
