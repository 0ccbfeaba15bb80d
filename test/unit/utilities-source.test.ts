import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';
import { fixedClock } from '../../lambdas/ports/clock';
import { LocalFolderStore } from '../../lambdas/ports/local-folder-store';
import type { Warehouse } from '../../lambdas/ports/warehouse';
import { decodeJsonlGz } from '../../lambdas/sources/jsonl-gz';
import { rawPrefix } from '../../lambdas/sources/source';
import {
  complexBuildings,
  complexHouseholds,
  EMISSION_FACTOR_SOURCES,
  ENERGY_TYPES,
  SEASONAL_RANGES,
  seasonOf,
  simulateUtilityMonth,
  utilitiesSource,
  type UtilityUsageRecord,
} from '../../lambdas/sources/utilities';
import { silentLog, type StepPorts } from '../../lambdas/steps/ports';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function ports(): Promise<StepPorts> {
  const root = await mkdtemp(join(tmpdir(), 'gridlake-utilities-'));
  dirs.push(root);
  return {
    config: parseConfig({}),
    lake: new LocalFolderStore(join(root, 'lake')),
    site: new LocalFolderStore(join(root, 'site')),
    warehouse: new Proxy({} as Warehouse, {
      get: () => {
        throw new Error('a source must not use the warehouse');
      },
    }),
    notifier: { notify: async () => {} },
    clock: fixedClock('2026-01-20T06:00:00Z'),
    log: silentLog,
    pseudonymKey: 'test',
    tmpDir: root,
  };
}

const MONTHS = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}-01`);

describe('the apartment complex', () => {
  it('has 11 buildings 1901–1911 and 840 households; 1911 has 2 units per floor (40)', () => {
    const buildings = complexBuildings();
    expect(buildings.map((b) => b.building_id)).toEqual([1901, 1902, 1903, 1904, 1905, 1906, 1907, 1908, 1909, 1910, 1911]);
    for (const b of buildings.slice(0, 10)) expect(b).toMatchObject({ floors: 20, units_per_floor: 4, households: 80 });
    expect(buildings[10]).toEqual({ building_id: 1911, floors: 20, units_per_floor: 2, households: 40 });

    const households = complexHouseholds();
    expect(households).toHaveLength(840);
    expect(new Set(households.map((h) => h.household_id)).size).toBe(840);
    expect(households.filter((h) => h.building_id === 1911)).toHaveLength(40);
    for (const b of buildings) expect(households.filter((h) => h.building_id === b.building_id)).toHaveLength(b.households);
    expect(households.find((h) => h.household_id === '1901-0304')).toEqual({ household_id: '1901-0304', building_id: 1901, floor: 3, unit: 4 });
    expect(households.some((h) => h.household_id === '1911-0203')).toBe(false);
    expect(households.at(-1)!.household_id).toBe('1911-2002');
  });
});

describe('simulateUtilityMonth', () => {
  const year = new Map(MONTHS.map((m) => [m, simulateUtilityMonth(7, m)]));

  it('emits one row per household and energy type for the month, with units', () => {
    const jan = year.get('2026-01-01')!;
    expect(jan).toHaveLength(840 * 3);
    expect(new Set(jan.map((r) => `${r.household_id}|${r.energy_type}`)).size).toBe(840 * 3);
    expect(jan.every((r) => r.month === '2026-01-01')).toBe(true);
    expect(new Set(jan.map((r) => `${r.energy_type}:${r.unit}`))).toEqual(new Set(['electricity:kWh', 'heating:kWh', 'water:m3']));
    expect(Object.keys(jan[0]!)).toEqual(['household_id', 'energy_type', 'month', 'amount', 'unit']);
  });

  it('maps any date in the month to that month, deterministically', () => {
    expect(simulateUtilityMonth(7, '2026-01-17')).toEqual(year.get('2026-01-01'));
    expect(simulateUtilityMonth(7, '2026-01')).toEqual(year.get('2026-01-01'));
    expect(simulateUtilityMonth(8, '2026-01-01')).not.toEqual(year.get('2026-01-01'));
    expect(() => simulateUtilityMonth(7, '2026-13-01')).toThrow(/2026-13-01/);
  });

  it('keeps every amount inside the seasonal range of its energy type', () => {
    expect(MONTHS.map((m) => seasonOf(Number(m.slice(5, 7))))).toEqual([
      'winter', 'winter', 'shoulder', 'shoulder', 'shoulder', 'summer', 'summer', 'summer', 'shoulder', 'shoulder', 'shoulder', 'winter',
    ]);
    for (const [month, rows] of year) {
      const ranges = SEASONAL_RANGES[seasonOf(Number(month.slice(5, 7)))];
      for (const r of rows) {
        const [lo, hi] = ranges[r.energy_type];
        expect(r.amount).toBeGreaterThanOrEqual(lo);
        expect(r.amount).toBeLessThanOrEqual(hi);
      }
    }
    expect(SEASONAL_RANGES.winter).toEqual({ electricity: [200, 400], heating: [700, 1500], water: [10, 100] });
    expect(SEASONAL_RANGES.shoulder).toEqual({ electricity: [150, 400], heating: [300, 900], water: [10, 100] });
    expect(SEASONAL_RANGES.summer).toEqual({ electricity: [400, 700], heating: [100, 400], water: [10, 100] });
  });

  it('peaks heating in winter and electricity in summer', () => {
    const avg = (month: string, type: string) => {
      const xs = year.get(month)!.filter((r) => r.energy_type === type).map((r) => r.amount);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(avg('2026-01-01', 'heating')).toBeGreaterThan(avg('2026-04-01', 'heating'));
    expect(avg('2026-04-01', 'heating')).toBeGreaterThan(avg('2026-07-01', 'heating'));
    expect(avg('2026-07-01', 'electricity')).toBeGreaterThan(avg('2026-01-01', 'electricity'));
  });

  it('makes about 1% of households breach the winter heating threshold (≥ 1,200), the same ones each month', () => {
    const over = (m: string) => year.get(m)!.filter((r) => r.energy_type === 'heating' && r.amount >= 1200).map((r) => r.household_id);
    const jan = over('2026-01-01');
    expect(jan.length).toBeGreaterThanOrEqual(3);
    expect(jan.length).toBeLessThanOrEqual(20);
    expect(over('2026-02-01')).toEqual(jan); // heavy users are persistent, not random per month
    expect(over('2026-04-01')).toEqual([]);
    const summerElectricity = year.get('2026-07-01')!.filter((r: UtilityUsageRecord) => r.energy_type === 'electricity' && r.amount >= 500);
    expect(summerElectricity.length).toBeGreaterThan(0);
  });

  it('documents the source of every default emission factor, matching the config defaults', () => {
    const defaults = parseConfig({}).utilities.emissionFactors;
    for (const type of ENERGY_TYPES) {
      expect(EMISSION_FACTOR_SOURCES[type].factor).toBe(defaults[type]);
      expect(EMISSION_FACTOR_SOURCES[type].source.length).toBeGreaterThan(40);
    }
    expect(EMISSION_FACTOR_SOURCES.electricity.source).toMatch(/Korea/);
  });
});

describe('utilitiesSource.collect', () => {
  it('writes buildings, households and the month’s usage as jsonl.gz batches, the same bytes on a re-run', async () => {
    const input = { runId: 'u1', date: '2026-01-20', source: 'utilities' as const };
    const a = await ports();
    const batches = await utilitiesSource.collect(input, a);
    const prefix = rawPrefix('utilities', input.date, input.runId);
    expect(batches.map((b) => [b.dataset, b.rawKey, b.format, b.source])).toEqual([
      ['buildings', `${prefix}buildings-00000.jsonl.gz`, 'jsonl.gz', 'utilities'],
      ['households', `${prefix}households-00000.jsonl.gz`, 'jsonl.gz', 'utilities'],
      ['utility_usage', `${prefix}utility_usage-00000.jsonl.gz`, 'jsonl.gz', 'utilities'],
    ]);
    const read = async (i: number) => decodeJsonlGz<Record<string, unknown>>(await a.lake.get(batches[i]!.rawKey), batches[i]!.rawKey);
    expect(await read(0)).toEqual(complexBuildings());
    expect(Object.keys((await read(0))[0]!)).toEqual(['building_id', 'floors', 'units_per_floor', 'households']);
    expect(Object.keys((await read(1))[0]!)).toEqual(['household_id', 'building_id', 'floor', 'unit']);
    expect(await read(2)).toEqual(simulateUtilityMonth(7, '2026-01-01'));

    const b = await ports();
    await utilitiesSource.collect(input, b);
    for (const batch of batches) expect(Buffer.from(await b.lake.get(batch.rawKey)).equals(Buffer.from(await a.lake.get(batch.rawKey)))).toBe(true);
    // Every batch is of a dataset the source declares, in its declared (load) order.
    expect(batches.map((b) => b.dataset)).toEqual([...utilitiesSource.datasets]);
  });
});
