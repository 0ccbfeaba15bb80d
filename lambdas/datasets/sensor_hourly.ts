import { defineDataset } from './dataset';

/** Written by the flow analysis (lambdas/steps/analyze/flow-sensors.ts), not loaded from a source. */
export const sensorHourly = defineDataset({
  name: 'sensor_hourly',
  description: `sensor_hourly: per flow meter and UTC hour, mean/min/max of flow (L/min) and of pressure (bar) over
the minutes with a reading of that channel (NULL without any), and minutes = the minutes with a reading
(60 for a complete hour). Hours without any reading are not rows.`,
  columns: [
    { name: 'device_id', type: 'VARCHAR(64)' },
    { name: 'hour', type: 'TIMESTAMPTZ' },
    { name: 'flow_mean', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'flow_min', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'flow_max', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'pressure_mean', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'pressure_min', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'pressure_max', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'minutes', type: 'INTEGER' },
  ],
  naturalKey: ['device_id', 'hour'],
  redshift: { distStyle: 'KEY', distKey: 'device_id', sortKey: ['hour', 'device_id'], why: '24 rows per device a day, read per device over a time range' },
  checks: [],
});
