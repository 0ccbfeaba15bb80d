import { defineDataset } from './dataset';

export const meterReadings = defineDataset({
  name: 'meter_readings',
  description: `meter_readings: one row per meter and interval. Natural key: (meter_id, interval_start).
interval_start is the UTC instant the interval begins; kwh is the energy used in the interval.`,
  columns: [
    { name: 'meter_id', type: 'VARCHAR(64)' },
    { name: 'interval_start', type: 'TIMESTAMPTZ' },
    { name: 'interval_minutes', type: 'INTEGER' },
    { name: 'kwh', type: 'DOUBLE PRECISION' },
    { name: 'source', type: 'VARCHAR(32)' },
    { name: 'run_id', type: 'VARCHAR(64)' },
  ],
  naturalKey: ['meter_id', 'interval_start'],
  disposition: { kind: 'merge' },
  redshift: {
    distStyle: 'KEY',
    distKey: 'meter_id',
    sortKey: ['interval_start', 'meter_id'],
    why: 'largest table; per-meter joins co-located; time-range scans prune blocks',
  },
  checks: [{ kind: 'freshness', column: 'interval_start', warnAfterHours: 48 }],
  // `value` is kwh or wh (CSV imports); JSONL records carry `kwh`, mapped onto `value`.
  raw: { fields: ['meter_id', 'timestamp', 'value'] },
});
