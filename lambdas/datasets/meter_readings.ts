import { defineDataset } from './dataset';

export const meterReadings = defineDataset({
  name: 'meter_readings',
  description: `meter_readings: one row per meter and interval.
interval_start is the UTC instant the interval begins; kwh is the energy used in the interval.
received_at is when the reading's file was received (the import time): the newest received
version of a reading is kept, whatever order dates are loaded or re-run in. NULL for sources
whose data is regenerated identically (the simulator), and for rows loaded before it was kept.`,
  columns: [
    { name: 'meter_id', type: 'VARCHAR(64)' },
    { name: 'interval_start', type: 'TIMESTAMPTZ' },
    { name: 'interval_minutes', type: 'INTEGER' },
    { name: 'kwh', type: 'DOUBLE PRECISION' },
    { name: 'source', type: 'VARCHAR(32)' },
    { name: 'run_id', type: 'VARCHAR(64)' },
    // Added by migrations/002_meter_readings_received_at.sql to tables created before it.
    { name: 'received_at', type: 'TIMESTAMPTZ', nullable: true },
  ],
  naturalKey: ['meter_id', 'interval_start'],
  // The newest received version of a reading wins, whatever order dates are loaded or re-run in.
  disposition: { kind: 'merge', newestBy: 'received_at' },
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
