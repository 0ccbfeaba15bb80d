import { defineDataset } from './dataset';

export const chargers = defineDataset({
  name: 'chargers',
  description: `chargers: one row per charger. Natural key: station_id, charger_id (charger_id is text: 01 keeps its zero).
charger_type is the national chgerType code 01–07 (docs/EV.md); output_kw is null when the source leaves it empty;
method is single or simultaneous (null when not given). Fast = output_kw >= 50.`,
  columns: [
    { name: 'station_id', type: 'VARCHAR(32)' },
    { name: 'charger_id', type: 'VARCHAR(16)' },
    { name: 'charger_type', type: 'VARCHAR(2)' },
    { name: 'output_kw', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'method', type: 'VARCHAR(16)', nullable: true },
    { name: 'source', type: 'VARCHAR(32)' },
    { name: 'run_id', type: 'VARCHAR(64)' },
  ],
  naturalKey: ['station_id', 'charger_id'],
  disposition: { kind: 'merge' },
  redshift: { distStyle: 'ALL', sortKey: ['station_id', 'charger_id'], why: 'small dimension joined to every status: a copy on every node' },
  checks: [
    { kind: 'accepted_values', column: 'charger_type', values: ['01', '02', '03', '04', '05', '06', '07'] },
    { kind: 'accepted_values', column: 'method', values: ['single', 'simultaneous'] },
  ],
  raw: { fields: ['station_id', 'charger_id', 'charger_type', 'output_kw', 'method', 'reject_reason'] },
});
