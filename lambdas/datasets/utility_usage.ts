import { defineDataset } from './dataset';

export const utilityUsage = defineDataset({
  name: 'utility_usage',
  description: `utility_usage: monthly usage per household and energy type.
month is the first day of the month; emission_kg = amount × emission_factor (kgCO2e per unit).`,
  columns: [
    { name: 'household_id', type: 'VARCHAR(16)' },
    { name: 'energy_type', type: 'VARCHAR(16)' },
    { name: 'month', type: 'DATE' },
    { name: 'amount', type: 'DOUBLE PRECISION' },
    { name: 'unit', type: 'VARCHAR(8)' },
    { name: 'emission_factor', type: 'DOUBLE PRECISION' },
    { name: 'emission_kg', type: 'DOUBLE PRECISION' },
    { name: 'run_id', type: 'VARCHAR(64)' },
  ],
  naturalKey: ['household_id', 'energy_type', 'month'],
  disposition: { kind: 'merge' },
  redshift: { distStyle: 'KEY', distKey: 'household_id', sortKey: ['month', 'household_id'], why: 'joins with households; monthly reports filter on month' },
  checks: [{ kind: 'accepted_values', column: 'energy_type', values: ['electricity', 'heating', 'water'] }],
  raw: { fields: ['household_id', 'energy_type', 'month', 'amount', 'unit'] },
});
