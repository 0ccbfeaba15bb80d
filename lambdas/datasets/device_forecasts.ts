import { defineDataset } from './dataset';

/** Written by the flow analysis (lambdas/steps/analyze/flow-sensors.ts), not loaded from a source. */
export const deviceForecasts = defineDataset({
  name: 'device_forecasts',
  description: `device_forecasts: the 168-hour flow forecast of a flow meter issued on a local date: one row per real
hour from the next local midnight (target_hour UTC), flow_lpm the forecast mean flow in L/min with its 80%
interval, model the model the backtest chose. The device file exports/devices/<device_id>/<issued_on>.txt
holds the same 168 values.`,
  columns: [
    { name: 'device_id', type: 'VARCHAR(64)' },
    { name: 'issued_on', type: 'DATE' },
    { name: 'target_hour', type: 'TIMESTAMPTZ' },
    { name: 'model', type: 'VARCHAR(32)' },
    { name: 'flow_lpm', type: 'DOUBLE PRECISION' },
    { name: 'lo80', type: 'DOUBLE PRECISION' },
    { name: 'hi80', type: 'DOUBLE PRECISION' },
  ],
  naturalKey: ['device_id', 'issued_on', 'target_hour'],
  redshift: { distStyle: 'EVEN', sortKey: ['issued_on', 'device_id'], why: 'read by latest issue date' },
  checks: [],
});
