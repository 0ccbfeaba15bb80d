/**
 * A real DuckDB warehouse filled with simulated data for the analysis integration tests and bench:
 * the meter simulator's fleet and readings (deduplicated like the transform: the last version of a
 * re-sent reading wins), households with monthly usage, and simulated market prices. Bulk rows go in
 * through a CSV file (DuckDB's read_csv), which is test setup only; the analyses use the port.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type Config } from '../../lambdas/config';
import { fixedClock } from '../../lambdas/ports/clock';
import { DuckDbWarehouse } from '../../lambdas/ports/duckdb-warehouse';
import { LocalFolderStore } from '../../lambdas/ports/local-folder-store';
import type { Notification, Notifier } from '../../lambdas/ports/notifier';
import { simulatePrices } from '../../lambdas/sources/market/simulator';
import { simulateDay, simulateFleet, type FaultLabel } from '../../lambdas/sources/meter-simulator/simulate';
import { migrateWarehouse } from '../../lambdas/schema/warehouse-schema';
import { silentLog, type StepPorts } from '../../lambdas/steps/ports';
import { addDays } from '../../lambdas/steps/analyze/window';
import { runIdFor } from '../../lambdas/steps/plan';

export class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async notify(n: Notification): Promise<void> {
    this.sent.push(n);
  }
}

export interface Fixture {
  dir: string;
  ports: StepPorts;
  warehouse: DuckDbWarehouse;
  notifier: RecordingNotifier;
  labels: FaultLabel[];
  cleanup(): Promise<void>;
}

export interface FixtureOptions {
  meters: number;
  days: number;
  /** Last simulated local day (the as-of day). */
  asOfDay: string;
  households?: number;
  symbols?: string[];
  config?: Partial<Config>;
}

function csv(rows: (string | number)[][]): string {
  return rows.map((r) => r.join(',')).join('\n') + '\n';
}

export async function openFixture(o: FixtureOptions): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'gridlake-analysis-'));
  const config = parseConfig({ simulator: { meters: o.meters }, market: { symbols: o.symbols ?? ['SPY', 'NG=F'] }, ...o.config });
  const lake = new LocalFolderStore(join(dir, 'lake'));
  const warehouse = await DuckDbWarehouse.open(join(dir, 'warehouse.duckdb'), { store: lake });
  await migrateWarehouse(warehouse);
  const notifier = new RecordingNotifier();
  const ports: StepPorts = {
    config,
    lake,
    site: new LocalFolderStore(join(dir, 'site')),
    warehouse,
    notifier,
    clock: fixedClock(`${addDays(o.asOfDay, 1)}T06:00:00Z`),
    log: silentLog,
    pseudonymKey: 'test-key',
    tmpDir: dir,
  };

  const sim = { meters: o.meters, seed: config.simulator.seed, timezone: config.simulator.timezone, faults: true };
  const fleet = simulateFleet(sim);
  writeFileSync(join(dir, 'meters.csv'), csv(fleet.map((m) => [m.meter_id, m.timezone, m.area, m.tariff])));
  // Each day's readings as that day's run loaded them (run id = runIdFor(date)): the anomaly analysis
  // examines the days an execution's runs loaded.
  const readings = new Map<string, [string, string, number, string]>();
  const labels: FaultLabel[] = [];
  for (let d = o.days - 1; d >= 0; d--) {
    const date = addDays(o.asOfDay, -d);
    const day = simulateDay({ ...sim, date });
    labels.push(...day.labels);
    for (const r of day.readings) readings.set(`${r.meter_id}|${r.timestamp}`, [r.meter_id, r.timestamp, r.kwh, runIdFor(date)]);
  }
  writeFileSync(join(dir, 'readings.csv'), csv([...readings.values()]));
  const households = o.households ?? 40;
  const usage: (string | number)[][] = [];
  const hh: (string | number)[][] = [];
  for (let i = 0; i < households; i++) {
    const building = 1901 + (i % 11);
    const id = `${building}-${String(100 + i).padStart(4, '0')}`;
    hh.push([id, building, 1 + (i % 20), 1 + (i % 4)]);
    for (let m = 0; m < 4; m++) {
      const month = `${addDays(o.asOfDay, -31 * m).slice(0, 7)}-01`;
      // Every fifth household breaches the heating threshold (1,200) in every month.
      const heating = i % 5 === 0 ? 1300 + 10 * i : 800 + i;
      for (const [type, amount, unit, factor] of [
        ['electricity', 300 + (i % 150), 'kWh', 0.4747],
        ['heating', heating, 'kWh', 0.202],
        ['water', 20 + i, 'm3', 0.449],
      ] as const) {
        usage.push([id, type, month, amount, unit, factor, amount * factor]);
      }
    }
  }
  writeFileSync(join(dir, 'households.csv'), csv(hh));
  writeFileSync(join(dir, 'usage.csv'), csv(usage));
  const prices: (string | number)[][] = [];
  for (const s of config.market.symbols) {
    for (const b of simulatePrices(s, config.market.seed, addDays(o.asOfDay, -500), o.asOfDay)) {
      prices.push([b.symbol, b.trade_date, b.open, b.high, b.low, b.close, b.adj_close, b.volume]);
    }
  }
  writeFileSync(join(dir, 'prices.csv'), csv(prices));

  const load = async (name: string, sql: string, file: string) =>
    warehouse.execute({ name, sql: sql.replace('$FILE', 'read_csv(:file, header = false)'), params: { file: join(dir, file) } });
  await load('seed_meters', "INSERT INTO meters SELECT column0, column1, column2, column3, 'test', 'seed' FROM $FILE", 'meters.csv');
  await load(
    'seed_readings',
    "INSERT INTO meter_readings (meter_id, interval_start, interval_minutes, kwh, source, run_id) SELECT column0, CAST(column1 AS TIMESTAMPTZ), 30, column2, 'test', column3 FROM $FILE",
    'readings.csv',
  );
  await warehouse.execute({
    name: 'seed_meter_daily',
    sql: `INSERT INTO meter_daily
      SELECT r.meter_id, CAST(r.interval_start AT TIME ZONE m.timezone AS DATE), SUM(kwh), AVG(kwh), COUNT(*), MAX(kwh)
      FROM meter_readings r JOIN meters m ON m.meter_id = r.meter_id GROUP BY 1, 2`,
  });
  await load('seed_households', 'INSERT INTO households SELECT * FROM $FILE', 'households.csv');
  await load('seed_usage', "INSERT INTO utility_usage SELECT *, 'seed' FROM $FILE", 'usage.csv');
  await load('seed_prices', "INSERT INTO market_prices SELECT *, 'simulator', 'seed' FROM $FILE", 'prices.csv');

  return {
    dir,
    ports,
    warehouse,
    notifier,
    labels,
    async cleanup() {
      await warehouse.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
