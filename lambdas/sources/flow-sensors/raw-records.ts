/**
 * The flow-sensors collector's output as raw records of `sensor_readings` (fields as declared in
 * lambdas/datasets/sensor_readings.ts), for the pipeline's one transform → quarantine → load path
 * (lambdas/sql/transform/sensor_readings.sql).
 *
 * - simulated minutes: one record per minute with a reading (a dropout's minutes are not rows);
 * - an imported logger file, as its reader (read-sensor-csv.ts) decided every row: a loaded row,
 *   normalised (UTC instant), at its position; each duplicate as a copy of the row that replaced it
 *   (the transform keeps one and counts the rest as duplicates); a row it could not read with its
 *   device and `reject_reason` (file, line, fix), which the transform quarantines. So a run
 *   reconciles rows in = loaded + duplicates + quarantined exactly as the reader counted.
 */
import type { MinuteSeries } from '../../analysis/flow-minute-grid';
import { readingRows } from '../../analysis/flow-rows';
import type { SensorCsvResult } from './read-sensor-csv';

export interface SensorRawRecord {
  device_id: string | null;
  timestamp: string | null;
  flow_lpm: number | null;
  pressure_bar: number | null;
  reject_reason: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export function simulatedRecords(deviceId: string, series: MinuteSeries): SensorRawRecord[] {
  return readingRows(deviceId, series).map((r) => ({ device_id: r.device_id, timestamp: r.minute, flow_lpm: r.flow_lpm, pressure_bar: r.pressure_bar, reject_reason: null }));
}

export function importedRecords(read: SensorCsvResult): SensorRawRecord[] {
  const loaded = read.readings.map((r) => ({ device_id: r.device_id, timestamp: iso(r.minuteMs), flow_lpm: r.flow_lpm, pressure_bar: r.pressure_bar, reject_reason: null }));
  const duplicates = read.duplicateOf.map((k) => ({ ...loaded[k]! }));
  const rejects = read.rejects.map((q) => ({ device_id: null, timestamp: null, flow_lpm: null, pressure_bar: null, reject_reason: `${q.file} line ${q.line}: ${q.reason}` }));
  return [...loaded, ...duplicates, ...rejects];
}
