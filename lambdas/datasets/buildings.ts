import { defineDataset } from './dataset';

export const buildings = defineDataset({
  name: 'buildings',
  description: 'buildings: the apartment complex, one row per building (building_id 1901–1911).',
  columns: [
    { name: 'building_id', type: 'INTEGER' },
    { name: 'floors', type: 'INTEGER' },
    { name: 'units_per_floor', type: 'INTEGER' },
    { name: 'households', type: 'INTEGER' },
  ],
  naturalKey: ['building_id'],
  disposition: { kind: 'merge' },
  redshift: { distStyle: 'ALL', sortKey: ['building_id'], why: '11 rows: replicate' },
  checks: [],
  raw: { fields: ['building_id', 'floors', 'units_per_floor', 'households'] },
});
