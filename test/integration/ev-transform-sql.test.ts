/**
 * The EV transform SQL files (lambdas/sql/transform/<dataset>.sql) on real DuckDB, staged by the
 * transform's own JSON-lines stager from the collector's raw records: the curated rows are the
 * reader's rows, the quarantine carries the reader's reasons, repeats are counted as duplicates,
 * and raw records written by anything else are still checked.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeTransformInstances, TransformSession } from '../../lambdas/steps/transform/duckdb-session';
import { stageJsonl } from '../../lambdas/steps/transform/raw-input';
import { transformSpec } from '../../lambdas/steps/transform/dataset-specs';
import { runSqlScript } from '../../lambdas/steps/transform/sql-script';
import { rawRecords, type RawRecord } from '../../lambdas/sources/ev-chargers/raw-records';
import { readChargerSeed, type SeedFilePort } from '../../lambdas/sources/ev-chargers/read-seed';
import type { EvTable } from '../../lambdas/sources/ev-chargers/rows';
import { readFile } from 'node:fs/promises';

const work = mkdtempSync(join(tmpdir(), 'gridlake-ev-sql-'));
afterAll(async () => {
  await closeTransformInstances();
  rmSync(work, { recursive: true, force: true });
});
const disk: SeedFilePort = { readBytes: (p) => readFile(p).catch(() => null), join };
const KEYS: Record<EvTable, string[]> = {
  charging_stations: ['station_id'],
  chargers: ['station_id', 'charger_id'],
  charger_status: ['station_id', 'charger_id', 'observed_at'],
};

interface Result {
  curated: Record<string, unknown>[];
  rejected: { ord: number; reason: string }[];
  rowsIn: number;
}

async function transformRecords(table: EvTable, records: RawRecord[]): Promise<Result> {
  const path = join(work, `${table}-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(path, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const session = await TransformSession.open({ spillDir: join(work, 'spill') });
  try {
    await stageJsonl(session, path, path, transformSpec(table, path));
    await session.setVariables({ source: 'ev-chargers', run_id: 'run-1' });
    await runSqlScript(session, readFileSync(join(__dirname, '../../lambdas/sql/transform', `${table}.sql`), 'utf8'), work);
    const curated = await session.rows(`SELECT * FROM curated ORDER BY ${KEYS[table].join(', ')}`);
    const rejected = await session.rows<{ ord: number; reason: string }>('SELECT ord, reason FROM checked WHERE reason IS NOT NULL ORDER BY ord');
    const { n } = await session.one<{ n: number }>('SELECT count(*) AS n FROM checked');
    return { curated, rejected, rowsIn: n };
  } finally {
    session.close();
  }
}

describe('EV transform SQL', () => {
  it('turns the collector raw records into the reader rows, with its quarantine and duplicates', async () => {
    const read = await readChargerSeed(join(__dirname, '../fixtures/ev-seoul/two-areas'), {}, disk);
    const raw = rawRecords(read);
    for (const table of ['charging_stations', 'chargers', 'charger_status'] as const) {
      const r = await transformRecords(table, raw.records[table]);
      const c = read.counts[table];
      expect(r.rowsIn).toBe(c.rowsIn);
      expect(r.curated).toHaveLength(c.loaded);
      expect(r.rejected).toHaveLength(c.quarantined);
      expect(r.rowsIn - r.curated.length - r.rejected.length).toBe(c.duplicates);
    }
    const stations = await transformRecords('charging_stations', raw.records.charging_stations);
    expect(stations.curated.find((s) => s.station_id === 'SF002635')).toMatchObject({
      address: '서울특별시 종로구 새문안로5길 37, 도렴빌딩',
      lon: 126.97421317,
      parking_fee: false,
      source: 'ev-chargers',
      run_id: 'run-1',
    });
    expect(stations.rejected.map((x) => x.reason)).toEqual([expect.stringMatching(/line 5: STAT_X "abc" is not a longitude/)]);
    const statuses = await transformRecords('charger_status', raw.records.charger_status);
    const charging = statuses.curated.find((s) => s.charger_id === '02')!;
    expect(charging.status_code).toBe(3);
    expect(new Date(charging.observed_at as string).toISOString()).toBe('2023-08-09T14:00:00.000Z');
  });

  it('checks records from any writer: codes, types, ranges and sessions', async () => {
    const base = { station_id: 'S1', charger_id: '01', observed_at: '2026-12-01T00:00:00Z', status_label: 'x', last_charge_start: null, last_charge_end: null, charging_since: null, reject_reason: null };
    const r = await transformRecords('charger_status', [
      { ...base, status_code: '2' },
      { ...base, charger_id: '02', status_code: '7' },
      { ...base, charger_id: '03', status_code: '2', observed_at: 'yesterday' },
      { ...base, charger_id: '04', status_code: '3', last_charge_start: '2026-12-01T02:00:00Z', last_charge_end: '2026-12-01T01:00:00Z' },
      { ...base, status_code: '2' },
    ]);
    expect(r.curated).toHaveLength(1);
    expect(r.rejected.map((x) => x.reason)).toEqual([
      'status_code not a national code (1, 2, 3, 4, 5, 9)',
      'observed_at missing or not an ISO-8601 instant',
      'last charging session ends before it starts',
    ]);
    const c = await transformRecords('chargers', [
      { station_id: 'S1', charger_id: '01', charger_type: '04', output_kw: 100, method: 'simultaneous', reject_reason: null },
      { station_id: 'S1', charger_id: '02', charger_type: '08', output_kw: 7, method: null, reject_reason: null },
      { station_id: 'S1', charger_id: '03', charger_type: '02', output_kw: 'seven', method: null, reject_reason: null },
    ]);
    expect(c.curated).toEqual([{ station_id: 'S1', charger_id: '01', charger_type: '04', output_kw: 100, method: 'simultaneous', source: 'ev-chargers', run_id: 'run-1' }]);
    expect(c.rejected.map((x) => x.reason)).toEqual(['charger_type not a national code 01–07', 'output_kw not a power from 0 to 1000 kW']);
  });
});
