/**
 * A real DuckDB warehouse holding EV charger data for the EV analysis tests: the simulated fleet's
 * stations and chargers, and its status history (with the failure labels) over a range, or status
 * rows a test writes itself. Bulk rows go in through a CSV file (DuckDB's read_csv), test setup only;
 * the analysis reads through the port. Notifications go to the local file notifier.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../lambdas/config';
import { fixedClock } from '../../lambdas/ports/clock';
import { DuckDbWarehouse } from '../../lambdas/ports/duckdb-warehouse';
import { FileNotifier } from '../../lambdas/ports/file-notifier';
import { LocalFolderStore } from '../../lambdas/ports/local-folder-store';
import type { Notification } from '../../lambdas/ports/notifier';
import { migrateWarehouse } from '../../lambdas/schema/warehouse-schema';
import { simulateHistory, type FailureLabel } from '../../lambdas/sources/ev-chargers/sim-history';
import { simulatedFleet, type SimulatedFleet } from '../../lambdas/sources/ev-chargers/sim-stations';
import type { AnalysisContext } from '../../lambdas/steps/analyze/analysis';
import { silentLog, type StepPorts } from '../../lambdas/steps/ports';

export interface EvFixture {
  dir: string;
  ports: StepPorts;
  warehouse: DuckDbWarehouse;
  fleet: SimulatedFleet;
  labels: FailureLabel[];
  /** An analysis context for a run id (the EV analysis reads its own as-of from the data). */
  ctx(runId: string): AnalysisContext;
  /** What the file notifier wrote. */
  sent(): Notification[];
  insertStatuses(rows: { station_id: string; charger_id: string; observed_at: string; status_code: number }[]): Promise<void>;
  cleanup(): Promise<void>;
}

const csv = (rows: (string | number | null)[][]) => rows.map((r) => r.map((v) => (v === null ? '' : String(v))).join(',')).join('\n') + '\n';

export async function openEvFixture(o: { stations: number; from?: string; to?: string; seed?: number; config?: object; now?: string }): Promise<EvFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'gridlake-ev-analysis-'));
  const config = parseConfig({ evChargers: { stations: o.stations, seed: o.seed ?? 13 }, ...o.config });
  const lake = new LocalFolderStore(join(dir, 'lake'));
  const warehouse = await DuckDbWarehouse.open(join(dir, 'warehouse.duckdb'), { store: lake });
  await migrateWarehouse(warehouse);
  const notifications = join(dir, 'notifications.jsonl');
  const ports: StepPorts = {
    config,
    lake,
    site: new LocalFolderStore(join(dir, 'site')),
    warehouse,
    notifier: new FileNotifier(notifications),
    clock: fixedClock(o.now ?? '2026-11-20T00:00:00Z'),
    log: silentLog,
    pseudonymKey: 'test-key',
    tmpDir: dir,
  };
  const fleet = simulatedFleet(config.evChargers.seed, o.stations);
  const load = async (name: string, sql: string, file: string, rows: (string | number | null)[][]) => {
    if (!rows.length) return;
    writeFileSync(join(dir, file), csv(rows));
    await warehouse.execute({ name, sql: sql.replace('$FILE', 'read_csv(:file, header = false, all_varchar = true)'), params: { file: join(dir, file) } });
  };
  await load(
    'seed_stations',
    "INSERT INTO charging_stations (station_id, name, address, lon, lat, kind, source, run_id) SELECT column0, column1, NULL, CAST(column2 AS DOUBLE PRECISION), CAST(column3 AS DOUBLE PRECISION), column4, 'test', 'seed' FROM $FILE",
    'stations.csv',
    fleet.stations.map((s) => [s.station_id, s.name.replace(/,/g, ' '), s.lon, s.lat, s.kind]),
  );
  await load(
    'seed_chargers',
    "INSERT INTO chargers (station_id, charger_id, charger_type, output_kw, source, run_id) SELECT column0, column1, column2, CAST(NULLIF(column3, '') AS DOUBLE PRECISION), 'test', 'seed' FROM $FILE",
    'chargers.csv',
    fleet.chargers.map((c) => [c.station_id, c.charger_id, c.charger_type, c.output_kw]),
  );
  const insertStatuses: EvFixture['insertStatuses'] = (rows) =>
    load(
      'seed_statuses',
      "INSERT INTO charger_status (station_id, charger_id, observed_at, status_code, status_label, source, run_id) SELECT column0, column1, CAST(column2 AS TIMESTAMPTZ), CAST(column3 AS INTEGER), 'x', 'test', 'seed' FROM $FILE",
      'statuses.csv',
      rows.map((r) => [r.station_id, r.charger_id, r.observed_at, r.status_code]),
    );
  let labels: FailureLabel[] = [];
  if (o.from && o.to) {
    const history = simulateHistory({ seed: config.evChargers.seed, fleet, from: o.from, to: o.to });
    labels = history.labels;
    await insertStatuses(history.statuses);
  }
  return {
    dir,
    ports,
    warehouse,
    fleet,
    labels,
    ctx: (runId) => ({ input: { date: runId.slice(0, 10), runId }, ports, asOfDay: runId.slice(0, 10), fromDay: runId.slice(0, 10), detectToDay: runId.slice(0, 10) }),
    sent: () => (existsSync(notifications) ? readFileSync(notifications, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Notification) : []),
    insertStatuses,
    async cleanup() {
      await warehouse.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
