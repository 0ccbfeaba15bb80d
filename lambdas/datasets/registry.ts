/**
 * Every warehouse table, each declared once in its own module of this folder. A new table is one
 * module plus one line here; its DDL, load statements and checks are derived (`npm run generate:sql`
 * writes them to lambdas/sql/ for reading).
 */
import { anomalies } from './anomalies';
import { buildings } from './buildings';
import { chargerOutages } from './charger_outages';
import { chargerStatus } from './charger_status';
import { chargers } from './chargers';
import { chargingStations } from './charging_stations';
import type { DatasetDeclaration } from './dataset';
import { deviceForecasts } from './device_forecasts';
import { etlRunStages } from './etl_run_stages';
import { etlRuns } from './etl_runs';
import { forecasts } from './forecasts';
import { households } from './households';
import { marketPrices } from './market_prices';
import { marketStats } from './market_stats';
import { meterDaily } from './meter_daily';
import { meterReadings } from './meter_readings';
import { meters } from './meters';
import { sensorHourly } from './sensor_hourly';
import { sensorNightFlow } from './sensor_night_flow';
import { sensorOutliers } from './sensor_outliers';
import { sensorReadings } from './sensor_readings';
import { utilityUsage } from './utility_usage';

/** In table-creation order (no foreign keys, so any order works: alphabetical). */
export const DATASETS = [
  anomalies,
  buildings,
  chargerOutages,
  chargerStatus,
  chargers,
  chargingStations,
  deviceForecasts,
  etlRunStages,
  etlRuns,
  forecasts,
  households,
  marketPrices,
  marketStats,
  meterDaily,
  meterReadings,
  meters,
  sensorHourly,
  sensorNightFlow,
  sensorOutliers,
  sensorReadings,
  utilityUsage,
] as const satisfies readonly DatasetDeclaration[];

export type DatasetName = (typeof DATASETS)[number]['name'];
export const DATASET_NAMES: readonly DatasetName[] = DATASETS.map((d) => d.name);

export class UnknownDatasetError extends Error {
  override readonly name = 'UnknownDatasetError';
  constructor(name: string, where: string) {
    super(`${where} names dataset "${name}", which is not declared (declared: ${DATASET_NAMES.join(', ')}). Declare it in lambdas/datasets/ and list it in lambdas/datasets/registry.ts.`);
  }
}

/** The declaration of `name`; `where` names the caller's input in the error (a raw key, a source). */
export function dataset(name: string, where = 'The caller'): DatasetDeclaration {
  const found = (DATASETS as readonly DatasetDeclaration[]).find((d) => d.name === name);
  if (!found) throw new UnknownDatasetError(name, where);
  return found;
}
