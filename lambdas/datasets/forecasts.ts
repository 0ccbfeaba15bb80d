import { defineDataset } from './dataset';

/** Written by the analysis (lambdas/steps/analyze/forecasts.ts), not loaded from a source. */
export const forecasts = defineDataset({
  name: 'forecasts',
  description: `forecasts: hourly forecasts.
group_id is 'fleet' or a meter group (e.g. 'area:a1'); kwh per hour with 80%/95% intervals.`,
  columns: [
    { name: 'group_id', type: 'VARCHAR(64)' },
    { name: 'issued_on', type: 'DATE' },
    { name: 'target_hour', type: 'TIMESTAMPTZ' },
    { name: 'model', type: 'VARCHAR(32)' },
    { name: 'yhat', type: 'DOUBLE PRECISION' },
    { name: 'lo80', type: 'DOUBLE PRECISION' },
    { name: 'hi80', type: 'DOUBLE PRECISION' },
    { name: 'lo95', type: 'DOUBLE PRECISION' },
    { name: 'hi95', type: 'DOUBLE PRECISION' },
  ],
  naturalKey: ['group_id', 'issued_on', 'target_hour'],
  redshift: { distStyle: 'EVEN', sortKey: ['issued_on', 'group_id'], why: 'read by latest issue date' },
  checks: [],
});
