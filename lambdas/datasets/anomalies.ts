import { defineDataset } from './dataset';

/** Written by the analysis (lambdas/steps/analyze/anomalies.ts), not loaded from a source. */
export const anomalies = defineDataset({
  name: 'anomalies',
  description: `anomalies: detected anomalies. anomaly_id is a stable hash of rule, subject and time, so a re-run
finds the same id and never alerts twice. notified_at is set once an alert is sent.`,
  columns: [
    { name: 'anomaly_id', type: 'VARCHAR(64)' },
    { name: 'subject_type', type: 'VARCHAR(16)' },
    { name: 'subject_id', type: 'VARCHAR(64)' },
    { name: 'occurred_at', type: 'TIMESTAMPTZ' },
    { name: 'rule', type: 'VARCHAR(64)' },
    { name: 'severity', type: 'VARCHAR(8)' },
    { name: 'value', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'expected', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'score', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'detected_run', type: 'VARCHAR(64)' },
    { name: 'notified_at', type: 'TIMESTAMPTZ', nullable: true },
  ],
  naturalKey: ['anomaly_id'],
  redshift: { distStyle: 'EVEN', sortKey: ['occurred_at'], why: 'read newest first, rarely joined' },
  checks: [],
});
