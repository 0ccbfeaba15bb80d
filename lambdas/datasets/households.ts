import { defineDataset } from './dataset';

export const households = defineDataset({
  name: 'households',
  description: "households: one row per apartment; household_id is building-floorunit, e.g. '1901-0304'.",
  columns: [
    { name: 'household_id', type: 'VARCHAR(16)' },
    { name: 'building_id', type: 'INTEGER' },
    { name: 'floor', type: 'INTEGER' },
    { name: 'unit', type: 'INTEGER' },
  ],
  naturalKey: ['household_id'],
  disposition: { kind: 'merge' },
  redshift: { distStyle: 'ALL', sortKey: ['household_id'], why: '840 rows: replicate' },
  checks: [],
  raw: { fields: ['household_id', 'building_id', 'floor', 'unit'] },
});
