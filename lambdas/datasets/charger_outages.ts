import { defineDataset } from './dataset';

/** Written by the analysis (lambdas/steps/analyze/ev-outages.ts), not loaded from a source. */
export const chargerOutages = defineDataset({
  name: 'charger_outages',
  description: `charger_outages: broken chargers — out of service (status 1, 4 or 5) for at least evChargers.brokenAfterHours —
one row per outage. Natural key: station_id, charger_id, since (the first out-of-service snapshot). ended_at is null
while the charger is still out of service (then the first in-service snapshot after, or the analysis's as-of when
that fell out of the window); last_seen_at the newest snapshot the analysis saw it broken at; duration_hours up to
then; codes the out-of-service codes seen, comma-separated. notified_at is set once its alert is sent (one per outage).`,
  columns: [
    { name: 'station_id', type: 'VARCHAR(32)' },
    { name: 'charger_id', type: 'VARCHAR(16)' },
    { name: 'since', type: 'TIMESTAMPTZ' },
    { name: 'ended_at', type: 'TIMESTAMPTZ', nullable: true },
    { name: 'last_seen_at', type: 'TIMESTAMPTZ' },
    { name: 'duration_hours', type: 'DOUBLE PRECISION' },
    { name: 'codes', type: 'VARCHAR(16)' },
    { name: 'detected_run', type: 'VARCHAR(64)' },
    { name: 'notified_at', type: 'TIMESTAMPTZ', nullable: true },
  ],
  naturalKey: ['station_id', 'charger_id', 'since'],
  redshift: { distStyle: 'EVEN', sortKey: ['since'], why: 'small (one row per outage), read whole for the open ones' },
  checks: [],
});
