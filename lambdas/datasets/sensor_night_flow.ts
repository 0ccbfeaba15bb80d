import { defineDataset } from './dataset';

/** Written by the flow analysis (lambdas/steps/analyze/flow-sensors.ts), not loaded from a source. */
export const sensorNightFlow = defineDataset({
  name: 'sensor_night_flow',
  description: `sensor_night_flow: minimum night flow (MNF) per flow meter and local night: the lowest 15-minute mean
flow between 02:00 and 04:00 local (mnf_lpm, NULL without a usable block), the minutes and usable blocks it
was taken from, and the leak trend over the last 10 nights ending with it: Theil-Sen slope (L/min per
night), Mann-Kendall z, and leak_suspected (z >= 2.33 and a rise >= 15% of the median MNF).`,
  columns: [
    { name: 'device_id', type: 'VARCHAR(64)' },
    { name: 'night', type: 'DATE' },
    { name: 'mnf_lpm', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'minutes', type: 'INTEGER' },
    { name: 'blocks', type: 'INTEGER' },
    { name: 'slope_lpm_per_night', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'trend_z', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'leak_suspected', type: 'BOOLEAN' },
  ],
  naturalKey: ['device_id', 'night'],
  redshift: { distStyle: 'EVEN', sortKey: ['night', 'device_id'], why: 'one row per device a night, read per device over nights' },
  checks: [],
});
