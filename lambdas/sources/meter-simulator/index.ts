/**
 * The meter-simulator source: a fleet of simulated smart meters for local runs and tests. Writes the
 * fleet, one local day of 30-minute readings, and the labels of the injected faults (beside the
 * data, not a batch) so the analysis can be scored against the truth.
 */
import type { Batch, CollectInput } from '../../contract/manifests';
import type { ObjectStore } from '../../ports/object-store';
import type { StepPorts } from '../../steps/ports';
import { decodeJsonlGz, encodeJsonlGz } from '../jsonl-gz';
import { rawPrefix, type SourceModule } from '../source';
import { simulateDay, simulateFleet, type FaultLabel } from './simulate';

export const LABELS_FILE = 'labels.jsonl.gz';

export const meterSimulatorSource: SourceModule<'meter-simulator'> = {
  name: 'meter-simulator',
  description: 'Simulated smart-meter fleet: 30-minute kWh readings with daily, weekly and seasonal shape, noise and labelled faults.',
  datasets: ['meters', 'meter_readings'],
  async collect(input: CollectInput, ports: StepPorts): Promise<Batch[]> {
    const options = { ...ports.config.simulator, date: input.date };
    const prefix = rawPrefix('meter-simulator', input.date, input.runId);
    const fleet = simulateFleet(options);
    const { readings, labels } = simulateDay(options);

    const files: Array<[dataset: string, key: string, records: object[]]> = [
      ['meters', `${prefix}meters-00000.jsonl.gz`, fleet],
      ['meter_readings', `${prefix}meter_readings-00000.jsonl.gz`, readings],
    ];
    for (const [, key, records] of files) await ports.lake.put(key, encodeJsonlGz(records), { contentType: 'application/gzip' });
    await ports.lake.put(`${prefix}${LABELS_FILE}`, encodeJsonlGz(labels), { contentType: 'application/gzip' });
    ports.log.info('meter-simulator collected', { date: input.date, meters: fleet.length, readings: readings.length, faults: labels.length });

    return files.map(([dataset, rawKey]) => ({
      runId: input.runId,
      date: input.date,
      source: 'meter-simulator',
      dataset,
      rawKey,
      format: 'jsonl.gz',
      options: {},
    }));
  },
};

/** The fault labels a run wrote under `prefix` (a raw prefix as returned by `rawPrefix`). */
export async function readLabels(store: ObjectStore, prefix: string): Promise<FaultLabel[]> {
  const key = `${prefix.endsWith('/') ? prefix : `${prefix}/`}${LABELS_FILE}`;
  return decodeJsonlGz<FaultLabel>(await store.get(key), `${store.location}/${key}`);
}

export type { FaultKind, FaultLabel, SimMeter, SimOptions, SimReading } from './simulate';
export { simulateDay, simulateFleet } from './simulate';
