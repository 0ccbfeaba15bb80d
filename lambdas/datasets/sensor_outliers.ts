import { defineDataset } from './dataset';

/** Written by the flow analysis (lambdas/steps/analyze/flow-sensors.ts), not loaded from a source. */
export const sensorOutliers = defineDataset({
  name: 'sensor_outliers',
  description: `sensor_outliers: per-minute outliers of a flow meter, per channel (flow | pressure). value is the
reading, expected the device's own seasonal profile at its recent level, score = (value − expected) / scale;
rule names the detector (seasonal-mad: |score| >= 5, docs/FLOW.md).`,
  columns: [
    { name: 'device_id', type: 'VARCHAR(64)' },
    { name: 'minute', type: 'TIMESTAMPTZ' },
    { name: 'channel', type: 'VARCHAR(8)' },
    { name: 'value', type: 'DOUBLE PRECISION' },
    { name: 'expected', type: 'DOUBLE PRECISION' },
    { name: 'score', type: 'DOUBLE PRECISION' },
    { name: 'rule', type: 'VARCHAR(32)' },
  ],
  naturalKey: ['device_id', 'minute', 'channel'],
  redshift: { distStyle: 'EVEN', sortKey: ['minute', 'device_id'], why: 'few rows, read newest first per device' },
  checks: [],
});
