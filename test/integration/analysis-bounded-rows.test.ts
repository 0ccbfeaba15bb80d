/**
 * Analyze at a utility's scale: what each analysis pulls back through the Warehouse port (on
 * Redshift, GetStatementResult, whose result set is capped at 500 MB:
 * https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-troubleshooting.html) must not grow with
 * the number of meters. The same analyses run on two real DuckDB warehouses, 100 and 2,000 meters,
 * through a wrapper that counts the rows every statement returns:
 * - consumption, emissions, market, forecasts, runs and overview return the same number of rows;
 * - anomaly detection returns no readings at all: the warehouse computes the fleet's inputs and
 *   UNLOADs them to the lake per page (lambdas/steps/analyze/anomaly-pages.ts); what comes back is a
 *   row per timezone, two extents, the page count and, per page, that page's stored anomalies;
 * - alerts read the pending high-severity anomalies: one row per notification to send.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchItem, Row, Statement, Warehouse } from '../../lambdas/ports/warehouse';
import type { Analysis, AnalysisContext } from '../../lambdas/steps/analyze/analysis';
import { ANALYSES } from '../../lambdas/steps/analyze';
import { openFixture, type Fixture } from './analysis-fixture';

const AS_OF = '2026-02-20';
const DAYS = 10;
const PAGE = 40;
const PUBLISHED = 30;

/** Counts the rows each statement returns to the caller (queries and transactions alike). */
class RowCountingWarehouse implements Warehouse {
  /** statement name → rows returned, summed over calls; and the largest single result. */
  readonly total = new Map<string, number>();
  readonly largest = new Map<string, number>();
  constructor(private readonly inner: Warehouse) {}
  private note(name: string, rows: number): void {
    this.total.set(name, (this.total.get(name) ?? 0) + rows);
    this.largest.set(name, Math.max(this.largest.get(name) ?? 0, rows));
  }
  reset(): void {
    this.total.clear();
    this.largest.clear();
  }
  async query<T extends Row = Row>(statement: Statement): Promise<T[]> {
    const rows = await this.inner.query<T>(statement);
    this.note(statement.name, rows.length);
    return rows;
  }
  execute(statement: Statement): Promise<void> {
    return this.inner.execute(statement);
  }
  async transaction(items: BatchItem[]): Promise<Row[][]> {
    const results = await this.inner.transaction(items);
    results.forEach((rows, i) => this.note(items[i]!.name, rows.length));
    return results;
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

interface Measured {
  /** analysis → statement → rows (summed over calls) */
  total: Record<string, Record<string, number>>;
  largest: Record<string, Record<string, number>>;
  files: Record<string, number>;
}

async function measure(fx: Fixture): Promise<Measured> {
  const counting = new RowCountingWarehouse(fx.warehouse);
  const ports = { ...fx.ports, warehouse: counting };
  const ctx: AnalysisContext = { input: { date: AS_OF, runId: `${AS_OF}-a1` }, ports, asOfDay: AS_OF, fromDay: AS_OF, detectToDay: AS_OF };
  const out: Measured = { total: {}, largest: {}, files: {} };
  for (const analysis of ANALYSES as Analysis[]) {
    counting.reset();
    const result = await analysis.run(ctx);
    out.total[analysis.name] = Object.fromEntries(counting.total);
    out.largest[analysis.name] = Object.fromEntries(counting.largest);
    out.files[analysis.name] = Object.keys(result.files).length;
  }
  return out;
}

const sum = (m: Record<string, number> = {}) => Object.values(m).reduce((a, b) => a + b, 0);

let small: Measured;
let large: Measured;

beforeAll(async () => {
  const config = { analysis: { historyDays: 90, zThreshold: 6, publishedCustomers: PUBLISHED, metersPerPage: PAGE, pageConcurrency: 4 } };
  for (const meters of [100, 2000]) {
    const fx = await openFixture({ meters, days: DAYS, asOfDay: AS_OF, config });
    try {
      const m = await measure(fx);
      console.log(`${meters} meters: rows returned per analysis`, JSON.stringify(Object.fromEntries(Object.entries(m.total).map(([k, v]) => [k, sum(v)]))));
      if (meters === 100) small = m;
      else large = m;
    } finally {
      await fx.cleanup();
    }
  }
}, 600_000);
afterAll(() => undefined);

describe('rows returned to the Analyze function do not grow with the meters', () => {
  it('fleet-wide analyses return as many rows for 2,000 meters as for 100', () => {
    for (const name of ['consumption', 'emissions', 'market', 'forecasts', 'runs', 'overview']) {
      expect({ name, rows: large.total[name] }).toEqual({ name, rows: small.total[name] });
    }
    // Real work was measured (the fixture has no run records, so runs.json reads none).
    for (const name of ['consumption', 'emissions', 'market', 'forecasts', 'overview']) expect(sum(large.total[name])).toBeGreaterThan(0);
  });

  it('publishes per-customer files for the configured number of customers only', () => {
    // consumption.json + one file per published customer, at both sizes.
    expect(small.files.consumption).toBe(PUBLISHED + 1);
    expect(large.files.consumption).toBe(PUBLISHED + 1);
    expect(large.total.consumption!.meter_summaries).toBe(PUBLISHED);
    expect(large.total.consumption!.meter_daily_window).toBeLessThanOrEqual(PUBLISHED * DAYS);
  });

  it('anomaly detection returns no readings through the warehouse, whatever the fleet', () => {
    // Every result is bounded whatever the fleet: a page's stored anomalies are far fewer than one
    // page of readings (PAGE meters × 48 a day); the dashboard's list is the newest 500 anomalies
    // with 13 readings of context each (anomalies_latest.sql, anomaly_context_meters.sql).
    const published: Record<string, number> = { anomalies_latest: 500, anomaly_context_meters: 500 * 13 };
    for (const [statement, rows] of Object.entries(large.largest.anomalies!)) {
      expect({ statement, rows: rows <= (published[statement] ?? PAGE * 48) }).toEqual({ statement, rows: true });
    }
    expect(large.total.anomalies!.anomaly_pages).toBe(1);
    expect(Object.keys(large.total.anomalies!).filter((k) => /readings|scored|unload/.test(k) && large.total.anomalies![k]! > 0)).toEqual([]);
  });
});
