/** The load order comes from the sources' declarations (dlt-style), and every declared dataset has its SQL. */
import { describe, expect, it } from 'vitest';
import { LOADABLE_TABLES, loadOrder } from '../../lambdas/steps/load';
import { sqlFolder } from '../../lambdas/sql/files';
import { SOURCES } from '../../lambdas/sources/registry';
import type { SourceModule } from '../../lambdas/sources/source';

const source = (name: string, datasets: string[]): SourceModule =>
  ({ name, description: '', datasets: datasets.map((d) => ({ name: d, naturalKey: ['id'], disposition: 'merge' })), collect: async () => [] }) as unknown as SourceModule;

describe('loadOrder', () => {
  it('keeps every source order, ties to the dataset declared first', () => {
    expect(loadOrder([source('a', ['readings']), source('b', ['meters', 'readings']), source('c', ['prices'])])).toEqual(['meters', 'readings', 'prices']);
  });

  it('refuses sources that contradict each other', () => {
    expect(() => loadOrder([source('a', ['x', 'y']), source('b', ['y', 'x'])])).toThrow(/conflicting orders \(x, y\)/);
  });

  it('loads the meter list before the readings, and every registered dataset', () => {
    expect(LOADABLE_TABLES.indexOf('meters')).toBeLessThan(LOADABLE_TABLES.indexOf('meter_readings'));
    const declared = new Set(SOURCES.flatMap((s) => s.datasets.map((d) => d.name)));
    expect(new Set(LOADABLE_TABLES)).toEqual(declared);
  });

  it('every declared dataset has its DDL, its transform and its MERGE file', () => {
    for (const folder of ['tables', 'transform', 'merge']) {
      const files = new Set(sqlFolder(folder));
      for (const t of LOADABLE_TABLES) expect(files.has(t), `lambdas/sql/${folder}/${t}.sql`).toBe(true);
    }
  });
});
