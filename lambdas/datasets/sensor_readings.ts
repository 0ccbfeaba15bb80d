import { defineDataset } from './dataset';

export const sensorReadings = defineDataset({
  name: 'sensor_readings',
  description: `sensor_readings: one row per flow meter (device) and minute. Natural key: device_id, minute (UTC).
flow_lpm is the forward flow in litres per minute; pressure_bar the gauge pressure in bar, NULL for a
flow-only meter. A re-collected or re-imported minute replaces its row (merge on the key; within a
load the later row wins). Written by the flow-sensors source (docs/FLOW.md).`,
  columns: [
    { name: 'device_id', type: 'VARCHAR(64)' },
    { name: 'minute', type: 'TIMESTAMPTZ' },
    { name: 'flow_lpm', type: 'DOUBLE PRECISION' },
    { name: 'pressure_bar', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'source', type: 'VARCHAR(32)' },
    { name: 'run_id', type: 'VARCHAR(64)' },
  ],
  naturalKey: ['device_id', 'minute'],
  disposition: { kind: 'merge' },
  redshift: {
    distStyle: 'KEY',
    distKey: 'device_id',
    sortKey: ['minute', 'device_id'],
    why: 'the largest table (1,440 rows per device a day); the analysis reads one device over a time range, so device rows are co-located and time-range scans prune blocks',
  },
  checks: [{ kind: 'freshness', column: 'minute', warnAfterHours: 48 }],
  // `timestamp` is an ISO-8601 instant; `reject_reason` is the import reader's verdict (read-sensor-csv.ts) for a row it could not read.
  raw: { fields: ['device_id', 'timestamp', 'flow_lpm', 'pressure_bar', 'reject_reason'] },
});
