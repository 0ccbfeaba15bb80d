/**
 * The customer search's note says whether every customer is listed or only the largest
 * (analysis.publishedCustomers, docs/DASHBOARD.md), and results written before the limit existed
 * (no `customers` field) read as before.
 */
import { describe, expect, it } from 'vitest';
import type { Consumption, MeterSummary } from '../../lambdas/contract/results';
import { publishedNote } from '../../dashboard/src/views/consumption';

const meter = (i: number): MeterSummary => ({ id: `c-${i}`, area: 'a1', tariff: 't1', days: 30, totalKwh: 100 - i, avgDailyKwh: 3 });
const consumption = (published: number, customers?: Consumption['customers']): Consumption => ({
  fleetDaily: { day: [], totalKwh: [], meters: [] },
  loadProfile: { hour: [], avgIntervalKwh: [] },
  meters: Array.from({ length: published }, (_, i) => meter(i)),
  ...(customers ? { customers } : {}),
});
const num = (n: number) => n.toLocaleString('en-GB');

describe('the published-customers note', () => {
  it('counts the meters when every customer is published', () => {
    expect(publishedNote(consumption(3, { withData: 3, published: 3, limit: 1000 }), num)).toBe('3 meters.');
    expect(publishedNote(consumption(3), num)).toBe('3 meters.');
  });

  it('says the largest are published, of how many, when the limit leaves some out', () => {
    expect(publishedNote(consumption(2, { withData: 1_000_000, published: 2, limit: 2 }), num)).toBe(
      'the 2 largest by consumption of 1,000,000 meters are published (the others are in the warehouse).',
    );
  });
});
