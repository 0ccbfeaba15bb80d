/**
 * Collect for the flow-sensors source: this run's raw objects, one batch per origin.
 *
 * - `imports/<importId>/`: every complete landing import (import-sensors.ts) is moved into the
 *   run's raw prefix (copy, then delete: data files first, the manifest last) and read with the
 *   logger reader under the manifest's options; its raw records (raw-records.ts) are written beside
 *   the original files. A re-run finds its imports in raw.
 * - `sim/`: the simulated devices' local day (config.flowSensors), with the fault labels beside it
 *   (`labels.jsonl.gz`, not a batch: the bench and tests score detection against them).
 *
 * Idempotent: the simulator is deterministic and imports are read from raw on a re-run.
 */
import type { Batch, CollectInput } from '../../contract/manifests';
import { getJson, listKeys, type ObjectStore } from '../../ports/object-store';
import type { StepPorts } from '../../steps/ports';
import { decodeJsonlGz, encodeJsonlGz } from '../jsonl-gz';
import { moveCompleteImports } from '../landing-imports';
import { rawPrefix } from '../source';
import { FLOW_LANDING_PREFIX, FLOW_MANIFEST, sensorFileText, type SensorImportManifest } from './import-sensors';
import { importedRecords, simulatedRecords, type SensorRawRecord } from './raw-records';
import { readSensorCsv } from './read-sensor-csv';
import { simulateDeviceDay, deviceIds, type FlowFaultLabel, type FlowSimOptions } from './simulate';

export const LABELS_FILE = 'labels.jsonl.gz';
const DATA_FILE = 'sensor_readings.jsonl.gz';
const GZIP = { contentType: 'application/gzip' };

export interface FlowCollectOptions {
  source: Batch['source'];
  /** The simulated devices; null when off. */
  simulator: FlowSimOptions | null;
}

export async function collectFlowSensors(input: CollectInput, ports: StepPorts, options: FlowCollectOptions): Promise<Batch[]> {
  const prefix = rawPrefix(options.source, input.date, input.runId);
  const batches: Batch[] = [];
  const write = async (origin: string, records: readonly SensorRawRecord[]) => {
    const rawKey = `${prefix}${origin}${DATA_FILE}`;
    await ports.lake.put(rawKey, encodeJsonlGz(records), GZIP);
    batches.push({ runId: input.runId, date: input.date, source: options.source, dataset: 'sensor_readings', rawKey, format: 'jsonl.gz', options: {} });
  };

  await moveCompleteImports(ports.lake, FLOW_LANDING_PREFIX, FLOW_MANIFEST, `${prefix}imports/`);
  const imported = (await listKeys(ports.lake, `${prefix}imports/`)).filter((k) => k.endsWith(`/${FLOW_MANIFEST}`)).sort();
  for (const key of imported) {
    const dir = key.slice(0, -FLOW_MANIFEST.length);
    const m = await getJson<SensorImportManifest>(ports.lake, key);
    const records: SensorRawRecord[] = [];
    for (const file of m.files) {
      const text = sensorFileText(file, await ports.lake.get(`${dir}${file}`));
      records.push(...importedRecords(readSensorCsv(text, { file, columns: m.columns, deviceId: m.deviceId ?? undefined, timezone: m.timezone, dateOrder: m.dateOrder })));
    }
    await write(dir.slice(prefix.length), records);
  }

  let simulated = 0;
  if (options.simulator) {
    const records: SensorRawRecord[] = [];
    const labels: FlowFaultLabel[] = [];
    for (const id of deviceIds(options.simulator)) {
      const sim = simulateDeviceDay(options.simulator, id, input.date);
      records.push(...simulatedRecords(id, sim.day));
      labels.push(...sim.labels);
    }
    simulated = records.length;
    await write('sim/', records);
    await ports.lake.put(`${prefix}sim/${LABELS_FILE}`, encodeJsonlGz(labels), GZIP);
  }
  ports.log.info('flow-sensors collected', { date: input.date, imports: imported.length, simulatedReadings: simulated, batches: batches.length });
  return batches;
}

/** The simulator's fault labels a run wrote (for scoring the analysis against the truth). */
export async function readFlowLabels(lake: ObjectStore, runPrefix: string): Promise<FlowFaultLabel[]> {
  const key = `${runPrefix}sim/${LABELS_FILE}`;
  return decodeJsonlGz<FlowFaultLabel>(await lake.get(key), `${lake.location}/${key}`);
}
