/**
 * What the transform needs to know per dataset: the raw fields it reads (every one as text), which
 * of them a raw file must have, and the natural key the curated rows are deduplicated on. The SQL
 * that validates, coerces and deduplicates lives in lambdas/sql/transform/<dataset>.sql; the
 * curated columns are the warehouse table's (lambdas/sql/tables/<dataset>.sql), checked at run time.
 */
export interface TransformSpec {
  dataset: string;
  /** Raw field names, as the collectors write them (JSONL) — the SQL sees them as VARCHAR. */
  fields: readonly string[];
  naturalKey: readonly string[];
}

export const TRANSFORM_SPECS: Readonly<Record<string, TransformSpec>> = {
  meter_readings: {
    dataset: 'meter_readings',
    // `value` is kwh or wh (CSV imports); JSONL records carry `kwh`, mapped onto `value`.
    fields: ['meter_id', 'timestamp', 'value'],
    naturalKey: ['meter_id', 'interval_start'],
  },
  meters: { dataset: 'meters', fields: ['meter_id', 'timezone', 'area', 'tariff'], naturalKey: ['meter_id'] },
  buildings: {
    dataset: 'buildings',
    fields: ['building_id', 'floors', 'units_per_floor', 'households'],
    naturalKey: ['building_id'],
  },
  households: { dataset: 'households', fields: ['household_id', 'building_id', 'floor', 'unit'], naturalKey: ['household_id'] },
  utility_usage: {
    dataset: 'utility_usage',
    fields: ['household_id', 'energy_type', 'month', 'amount', 'unit'],
    naturalKey: ['household_id', 'energy_type', 'month'],
  },
  market_prices: {
    dataset: 'market_prices',
    fields: ['symbol', 'trade_date', 'open', 'high', 'low', 'close', 'adj_close', 'volume'],
    naturalKey: ['symbol', 'trade_date'],
  },
};

export class UnknownDatasetError extends Error {
  override readonly name = 'UnknownDatasetError';
  constructor(dataset: string, rawKey: string) {
    super(
      `Batch ${rawKey} names dataset "${dataset}", which the transform does not know ` +
        `(known: ${Object.keys(TRANSFORM_SPECS).join(', ')}). Add a spec in lambdas/steps/transform/dataset-specs.ts and a SQL file in lambdas/sql/transform/.`,
    );
  }
}

export function transformSpec(dataset: string, rawKey: string): TransformSpec {
  const spec = TRANSFORM_SPECS[dataset];
  if (!spec) throw new UnknownDatasetError(dataset, rawKey);
  return spec;
}
