/**
 * firstDifference: where a range's stored rows and a run's wanted rows start to differ, so that
 * rewriting from there on (DELETE + INSERT) yields exactly the wanted rows.
 */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../lambdas/ports/warehouse';
import { firstDifference, type ColumnKind } from '../../lambdas/steps/analyze/first-difference';

const COLUMNS: Record<string, ColumnKind> = { id: 'text', at: 'instant', day: 'day', value: 'number' };
const row = (id: string, hour: number, value: number | null): Row => ({
  id,
  at: new Date(Date.UTC(2026, 1, 20, hour)).toISOString(),
  day: '2026-02-20',
  value,
});

/** Applies "delete rows at or after `from`, insert wanted rows at or after `from`" to `existing`. */
function rewrite(existing: Row[], wanted: Row[], from: number | undefined): Row[] {
  if (from === undefined) return existing;
  const at = (r: Row) => Date.parse(String(r.at));
  return [...existing.filter((r) => at(r) < from), ...wanted.filter((r) => at(r) >= from)];
}
const sorted = (rows: Row[]) => [...rows].map((r) => JSON.stringify(r)).sort();

describe('firstDifference', () => {
  const stored = [row('a', 1, 1.5), row('b', 2, null), row('c', 3, 0.25), row('d', 3, 7)];

  it('is undefined for the same rows, in any order', () => {
    expect(firstDifference(stored, [...stored].reverse(), COLUMNS, 'at')).toBeUndefined();
    expect(firstDifference([], [], COLUMNS, 'at')).toBeUndefined();
  });

  it('refuses an instant not in the port’s one spelling (an adapter bug), naming the column', () => {
    const engineSpelling = stored.map((r) => ({ ...r, at: String(r.at).replace('T', ' ').replace('.000Z', '+00') }));
    expect(() => firstDifference(engineSpelling, stored, COLUMNS, 'at')).toThrow(/"2026-02-20 01:00:00\+00" for at, which is not an ISO-8601 UTC instant/);
  });

  it('points at the earliest changed, added or removed row', () => {
    const h = (hour: number) => Date.UTC(2026, 1, 20, hour);
    expect(firstDifference(stored, [row('a', 1, 1.5), row('b', 2, 9), row('c', 3, 0.25), row('d', 3, 7)], COLUMNS, 'at')).toBe(h(2));
    expect(firstDifference(stored, [...stored, row('e', 0, 1)], COLUMNS, 'at')).toBe(h(0));
    expect(firstDifference(stored, stored.filter((r) => r.id !== 'c'), COLUMNS, 'at')).toBe(h(3));
    expect(firstDifference(stored, [...stored, row('e', 5, 1)], COLUMNS, 'at')).toBe(h(5));
    expect(firstDifference([], [row('e', 4, 1)], COLUMNS, 'at')).toBe(h(4));
    expect(firstDifference(stored, [], COLUMNS, 'at')).toBe(h(1));
  });

  it('rewriting from the difference on always yields the wanted rows', () => {
    // Every subset of changes to a small table: rows dropped, values changed, rows added, ties in time.
    const candidates = [row('a', 1, 1.5), row('a', 1, 2), row('b', 2, null), row('c', 3, 0.25), row('d', 3, 7), row('d', 3, 8), row('e', 4, 1)];
    for (let mask = 0; mask < 1 << candidates.length; mask++) {
      const wanted = candidates.filter((_, i) => mask & (1 << i));
      const ids = wanted.map((r) => r.id);
      if (new Set(ids).size !== ids.length) continue; // one row per id, as a primary key allows
      const from = firstDifference(stored, wanted, COLUMNS, 'at') as number | undefined;
      expect(sorted(rewrite(stored, wanted, from)), `mask ${mask}`).toEqual(sorted(wanted));
    }
  });

  it('refuses an order column it does not compare', () => {
    expect(() => firstDifference(stored, stored, { id: 'text' }, 'at')).toThrow(/order column "at"/);
  });
});
