import { defineDataset } from './dataset';

export const meters = defineDataset({
  name: 'meters',
  description: `meters: one row per customer meter.
timezone is the IANA zone of the meter's site: local days (meter_daily.day) are computed in it.`,
  columns: [
    { name: 'meter_id', type: 'VARCHAR(64)' },
    { name: 'timezone', type: 'VARCHAR(64)' },
    { name: 'area', type: 'VARCHAR(64)', nullable: true },
    { name: 'tariff', type: 'VARCHAR(64)', nullable: true },
    { name: 'source', type: 'VARCHAR(32)' },
    { name: 'updated_run', type: 'VARCHAR(64)' },
  ],
  naturalKey: ['meter_id'],
  disposition: { kind: 'merge' },
  redshift: { distStyle: 'ALL', sortKey: ['meter_id'], why: 'small dimension joined to every reading: a copy on every node' },
  checks: [],
  raw: { fields: ['meter_id', 'timezone', 'area', 'tariff'] },
});
