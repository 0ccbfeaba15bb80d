import { defineDataset } from './dataset';

export const chargerStatus = defineDataset({
  name: 'charger_status',
  description: `charger_status: one row per charger per snapshot. Natural key: station_id, charger_id, observed_at (UTC).
status_code is the national code: 1 communication error, 2 available, 3 charging, 4 stopped, 5 inspecting,
9 unknown; status_label the source's label. last_charge_start/end: the last completed session (null when
unknown, or withheld because it ended before it started); charging_since: start of the session in progress
(status 3 only). A re-collected snapshot replaces its rows (merge on the key).`,
  columns: [
    { name: 'station_id', type: 'VARCHAR(32)' },
    { name: 'charger_id', type: 'VARCHAR(16)' },
    { name: 'observed_at', type: 'TIMESTAMPTZ' },
    { name: 'status_code', type: 'INTEGER' },
    { name: 'status_label', type: 'VARCHAR(64)' },
    { name: 'last_charge_start', type: 'TIMESTAMPTZ', nullable: true },
    { name: 'last_charge_end', type: 'TIMESTAMPTZ', nullable: true },
    { name: 'charging_since', type: 'TIMESTAMPTZ', nullable: true },
    { name: 'source', type: 'VARCHAR(32)' },
    { name: 'run_id', type: 'VARCHAR(64)' },
  ],
  naturalKey: ['station_id', 'charger_id', 'observed_at'],
  disposition: { kind: 'merge' },
  redshift: {
    distStyle: 'KEY',
    distKey: 'station_id',
    sortKey: ['observed_at', 'station_id'],
    why: 'the large table (a row per charger per snapshot); joined to stations by station_id, read over time ranges',
  },
  checks: [
    { kind: 'accepted_values', column: 'status_code', values: [1, 2, 3, 4, 5, 9] },
    { kind: 'freshness', column: 'observed_at', warnAfterHours: 24 },
  ],
  raw: { fields: ['station_id', 'charger_id', 'observed_at', 'status_code', 'status_label', 'last_charge_start', 'last_charge_end', 'charging_since', 'reject_reason'] },
});
