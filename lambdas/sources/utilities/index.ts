/**
 * The utilities source: the 840-household apartment complex. A run for date D writes the static
 * reference data (buildings, households) and the usage of the calendar month containing D, so a
 * daily schedule re-emits the current month (identical bytes) and MERGE keeps one row per key.
 * Emissions are computed in the transform from config factors; this source only emits amounts.
 */
import type { Batch, CollectInput } from '../../contract/manifests';
import type { StepPorts } from '../../steps/ports';
import { encodeJsonlGz } from '../jsonl-gz';
import { rawPrefix, type SourceModule } from '../source';
import { complexBuildings, complexHouseholds } from './complex';
import { simulateUtilityMonth } from './usage';

export const utilitiesSource: SourceModule<'utilities'> = {
  name: 'utilities',
  description: 'Apartment complex (11 buildings, 840 households): monthly electricity, heating and water per household.',
  datasets: ['buildings', 'households', 'utility_usage'],
  async collect(input: CollectInput, ports: StepPorts): Promise<Batch[]> {
    const prefix = rawPrefix('utilities', input.date, input.runId);
    const usage = simulateUtilityMonth(ports.config.utilities.seed, input.date);
    const files: Array<[dataset: string, records: object[]]> = [
      ['buildings', complexBuildings()],
      ['households', complexHouseholds()],
      ['utility_usage', usage],
    ];
    const batches: Batch[] = [];
    for (const [dataset, records] of files) {
      const rawKey = `${prefix}${dataset}-00000.jsonl.gz`;
      await ports.lake.put(rawKey, encodeJsonlGz(records), { contentType: 'application/gzip' });
      batches.push({ runId: input.runId, date: input.date, source: 'utilities', dataset, rawKey, format: 'jsonl.gz', options: {} });
    }
    ports.log.info('utilities collected', { date: input.date, month: usage[0]?.month, usage: usage.length });
    return batches;
  },
};

export { complexBuildings, complexHouseholds, householdId, type Building, type Household } from './complex';
export { EMISSION_FACTOR_SOURCES, type EmissionFactorSource } from './emission-factors';
export {
  ENERGY_TYPES,
  SEASONAL_RANGES,
  UNITS,
  monthStart,
  seasonOf,
  simulateUtilityMonth,
  type EnergyType,
  type UtilityUsageRecord,
} from './usage';
