/**
 * The ev-chargers collect on a real folder object store: landed imports move into the run's raw
 * prefix and become raw records that reconcile with the reader; the simulator's day and the
 * national API's snapshot (from the loopback server) land beside; a re-run of the run changes nothing.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Batch } from '../../lambdas/contract/manifests';
import { listKeys } from '../../lambdas/ports/object-store';
import { decodeJsonlGz } from '../../lambdas/sources/jsonl-gz';
import { collectEvChargers, type EvCollectOptions } from '../../lambdas/sources/ev-chargers/collect';
import { importChargers } from '../../lambdas/sources/ev-chargers/import-chargers';
import { createNationalApiClient } from '../../lambdas/sources/ev-chargers/national-api-client';
import { chargerList, startShiftingServer, type ShiftingServer } from '../fixtures/ev-api/shifting-server';
import { testLake, type TestLake } from '../unit/transform-helpers';

const FIXTURES = join(__dirname, '..', 'fixtures', 'ev-seoul');
// Not yet a registered source name (wiring follows the dataset declarations).
const SOURCE = 'ev-chargers' as Batch['source'];
const input = { runId: 'run-1', date: '2026-12-01', source: SOURCE };
const off: EvCollectOptions = { source: SOURCE, simulator: null, api: null };

let t: TestLake;
let server: ShiftingServer | undefined;
afterEach(async () => {
  t?.cleanup();
  await server?.close();
  server = undefined;
});

const records = async (key: string) => decodeJsonlGz<Record<string, unknown>>(await t.lake.get(key), key);

describe('collect ev-chargers', () => {
  it('moves landed imports into raw and writes records that reconcile with the reader; a re-run is the same', async () => {
    t = testLake();
    const a = await importChargers(join(FIXTURES, 'gwanghwamun'), { observedAt: '2023-08-10T00:00+09:00', importId: 'imp-a' }, t.ports);
    await importChargers(join(FIXTURES, 'two-areas'), { importId: 'imp-b' }, t.ports);
    const batches = await collectEvChargers(input, t.ports, off);
    expect(await listKeys(t.lake, 'landing/')).toEqual([]);
    const prefix = 'raw/source=ev-chargers/dt=2026-12-01/run=run-1/';
    expect((await listKeys(t.lake, `${prefix}imports/imp-a/`)).map((k) => k.slice(prefix.length))).toEqual([
      'imports/imp-a/charger_info.csv',
      'imports/imp-a/charger_status.jsonl.gz',
      'imports/imp-a/chargers.jsonl.gz',
      'imports/imp-a/charging_stations.jsonl.gz',
      'imports/imp-a/manifest.json',
      'imports/imp-a/station_info.csv',
      'imports/imp-a/withheld.jsonl.gz',
    ]);
    expect(batches.map((b) => [b.dataset, b.rawKey.slice(prefix.length)])).toEqual([
      ['charging_stations', 'imports/imp-a/charging_stations.jsonl.gz'],
      ['chargers', 'imports/imp-a/chargers.jsonl.gz'],
      ['charger_status', 'imports/imp-a/charger_status.jsonl.gz'],
      ['charging_stations', 'imports/imp-b/charging_stations.jsonl.gz'],
      ['chargers', 'imports/imp-b/chargers.jsonl.gz'],
      ['charger_status', 'imports/imp-b/charger_status.jsonl.gz'],
    ]);
    expect(await records(batches[0]!.rawKey)).toHaveLength(a.counts.charging_stations.rowsIn);
    expect(await records(batches[2]!.rawKey)).toHaveLength(a.counts.charger_status.rowsIn);
    expect(await records(`${prefix}imports/imp-a/withheld.jsonl.gz`)).toHaveLength(2);

    const before = await Promise.all(batches.map((b) => t.lake.get(b.rawKey)));
    const again = await collectEvChargers(input, t.ports, off);
    expect(again).toEqual(batches);
    expect(await Promise.all(again.map((b) => t.lake.get(b.rawKey)))).toEqual(before);
  });

  it('writes the simulated day with its labels, and one API snapshot that a re-run reuses', async () => {
    t = testLake();
    server = await startShiftingServer({ serviceKey: 'k', items: chargerList(11) });
    const client = createNationalApiClient({ baseUrl: server.origin, serviceKey: 'k', maxRequestsPerMinute: Infinity });
    const options: EvCollectOptions = { source: SOURCE, simulator: { seed: 5, stations: 4 }, api: { client, pageSize: 5 } };
    const batches = await collectEvChargers(input, t.ports, options);
    expect(batches.map((b) => b.rawKey.split('/').slice(4).join('/'))).toEqual([
      'sim/charging_stations.jsonl.gz',
      'sim/chargers.jsonl.gz',
      'sim/charger_status.jsonl.gz',
      'api/charging_stations.jsonl.gz',
      'api/chargers.jsonl.gz',
      'api/charger_status.jsonl.gz',
    ]);
    const sim = await records(batches[2]!.rawKey);
    const chargers = await records(batches[1]!.rawKey);
    expect(sim).toHaveLength(chargers.length * 96);
    expect(sim[0]!.observed_at).toBe('2026-11-30T15:00:00Z');
    expect(await listKeys(t.lake, 'raw/source=ev-chargers/dt=2026-12-01/run=run-1/sim/labels.jsonl.gz')).toHaveLength(1);
    const api = await records(batches[5]!.rawKey);
    expect(api).toHaveLength(11);
    expect(api.every((r) => r.observed_at === '2026-11-02T06:00:00Z')).toBe(true);
    const requests = server.requests.length;
    expect(await collectEvChargers(input, t.ports, options)).toEqual(batches);
    expect(server.requests).toHaveLength(requests);
  });
});
