/**
 * Raw records carry every source row, so the pipeline's transform counts what the reader counted:
 * loaded rows first, repeats as copies after them, unreadable rows with their reason.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RAW_FIELDS, rawRecords } from '../../lambdas/sources/ev-chargers/raw-records';
import { readChargerSeed, type SeedFilePort } from '../../lambdas/sources/ev-chargers/read-seed';
import type { EvTable } from '../../lambdas/sources/ev-chargers/rows';
import { simulatedDay } from '../../lambdas/sources/ev-chargers/simulated-day';

const FIXTURES = join(__dirname, '../fixtures/ev-seoul');
const disk: SeedFilePort = { readBytes: (p) => readFile(p).catch(() => null), join };
const TABLES: EvTable[] = ['charging_stations', 'chargers', 'charger_status'];

describe('raw records of the ev-chargers collector', () => {
  it('one record per source row, in the declared fields, reconciling with the reader', async () => {
    const read = await readChargerSeed(join(FIXTURES, 'two-areas'), {}, disk);
    const raw = rawRecords(read);
    for (const t of TABLES) {
      expect(raw.records[t]).toHaveLength(read.counts[t].rowsIn);
      for (const r of raw.records[t]) expect(Object.keys(r)).toEqual(RAW_FIELDS[t]);
      const rejected = raw.records[t].filter((r) => r.reject_reason !== null);
      expect(rejected).toHaveLength(read.counts[t].quarantined);
      // The first record of each key is the row the reader kept.
      const firstOfKey = new Map<string, unknown>();
      for (const r of raw.records[t].filter((x) => x.reject_reason === null)) {
        const k = JSON.stringify([r.station_id, r.charger_id ?? null, r.observed_at ?? null]);
        if (!firstOfKey.has(k)) firstOfKey.set(k, r);
      }
      expect(firstOfKey.size).toBe(read.counts[t].loaded);
    }
    expect(raw.records.charging_stations.find((r) => r.reject_reason !== null)).toMatchObject({ station_id: 'XX000001', name: null });
    expect(raw.records.charger_status.filter((r) => r.reject_reason !== null).map((r) => [r.station_id, r.charger_id])).toEqual([
      ['BE111108', '15'],
      ['BE111108', '03'],
      ['BE111108', '11'],
      ['GN008634', '01'],
    ]);
    expect(raw.withheld).toHaveLength(1);
  });

  it('the simulator and the real rows give the same shape', () => {
    const day = simulatedDay(3, '2026-12-01', { stations: 3 });
    const raw = rawRecords(day);
    expect(raw.records.charger_status).toHaveLength(day.statuses.length);
    expect(raw.records.charger_status[0]).toEqual({ ...day.statuses[0], reject_reason: null });
    expect(raw.records.chargers.every((r) => r.reject_reason === null && Object.keys(r).join() === RAW_FIELDS.chargers.join())).toBe(true);
  });
});
