import { defineDataset } from './dataset';

/** Rebuilt by the load for the days a readings load touched (lambdas/sql/load/*meter_daily.sql). */
export const meterDaily = defineDataset({
  name: 'meter_daily',
  description: `meter_daily: per meter and local day (in the meter's timezone).
total_kwh = sum of the day's intervals; avg_interval_kwh = mean kWh per 30-minute interval;
intervals = readings present (48 on a normal day, 46/50 on DST change days); peak_kwh = max interval.`,
  columns: [
    { name: 'meter_id', type: 'VARCHAR(64)' },
    { name: 'day', type: 'DATE' },
    { name: 'total_kwh', type: 'DOUBLE PRECISION' },
    { name: 'avg_interval_kwh', type: 'DOUBLE PRECISION' },
    { name: 'intervals', type: 'INTEGER' },
    { name: 'peak_kwh', type: 'DOUBLE PRECISION' },
  ],
  naturalKey: ['meter_id', 'day'],
  redshift: {
    distStyle: 'KEY',
    distKey: 'meter_id',
    sortKey: ['day', 'meter_id'],
    why: 'joins with meter_readings/meters on meter_id; dashboards read recent days',
  },
  checks: [],
});
