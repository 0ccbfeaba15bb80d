/** The load order comes from the sources' declarations (dlt-style), and every declared dataset has its SQL. */
import { describe, expect, it } from 'vitest';
import { LOADABLE_TABLES, loadOrder } from '../../lambdas/steps/load';
import { sqlFolder } from '../../lambdas/sql/files';
import { dataset } from '../../lambdas/datasets/registry';
import { SOURCES } from '../../lambdas/sources/registry';

const source = (name: string, datasets: string[]) => ({ name, datasets }) as never;

describe('loadOrder', () => {
  it('keeps every source order, ties to the dataset declared first', () => {
    expect(loadOrder([source('a', ['readings']), source('b', ['meters', 'readings']), source('c', ['prices'])])).toEqual(['meters', 'readings', 'prices']);
  });

  it('refuses sources that contradict each other', () => {
    expect(() => loadOrder([source('a', ['x', 'y']), source('b', ['y', 'x'])])).toThrow(/conflicting orders \(x, y\)/);
  });

  it('loads the meter list before the readings, and every registered dataset', () => {
    expect(LOADABLE_TABLES.indexOf('meters')).toBeLessThan(LOADABLE_TABLES.indexOf('meter_readings'));
    const declared = new Set(SOURCES.flatMap((s) => s.datasets));
    expect(new Set(LOADABLE_TABLES)).toEqual(declared);
  });

  it('every loaded dataset is declared with raw fields and a disposition, and has its transform SQL', () => {
    const transforms = new Set(sqlFolder('transform'));
    for (const t of LOADABLE_TABLES) {
      expect(dataset(t).raw, t).toBeDefined();
      expect(dataset(t).disposition, t).toBeDefined();
      expect(transforms.has(t), `lambdas/sql/transform/${t}.sql`).toBe(true);
    }
  });
});
